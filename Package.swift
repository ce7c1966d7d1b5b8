// swift-tools-version:6.1
import PackageDescription

// Layers point one way (see README "Architecture"):
//   maas → MaaSServer, MaaSClient → MaaSRegistry, MaaSEngine → MaaSProtocol → ProtoWire
// Only MaaSServer and MaaSClient touch NIO; ProtoWire and MaaSProtocol are testable without a socket.
let package = Package(
    name: "maas",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "maas", targets: ["maas"]),
        .library(name: "MaaSClient", targets: ["MaaSClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CSndFile",
            pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]
        ),
        // Elementwise kernels compiled per instruction set and picked at run time (see its header).
        .target(name: "CMaaSKernels"),
        .target(name: "CMaaSAudioKernels"),
        .systemLibrary(
            name: "CSoxr",
            pkgConfig: "soxr",
            providers: [.apt(["libsoxr-dev"])]
        ),
        .target(name: "ProtoWire"),
        .target(name: "MaaSProtocol", dependencies: ["ProtoWire"]),
        .target(
            name: "MaaSEngine",
            dependencies: ["ProtoWire", "COpenBLAS", "CMaaSKernels"]
        ),
        // Audio front-end: libsndfile decoding, libsoxr resampling, librosa-compatible MFCC.
        .target(
            name: "MaaSAudio",
            dependencies: ["CSndFile", "CSoxr", "CMaaSAudioKernels"]
        ),
        // A model version's serving configuration (audio front-end, class labels): the JSON users write, the
        // protobuf messages the server stores, the MFCCConfiguration the front-end runs.
        .target(name: "MaaSModelConfig", dependencies: ["MaaSProtocol", "MaaSAudio"]),
        // `maas train`: the reference speech network trained on OpenBLAS, exported as ONNX and a native plan.
        .target(
            name: "MaaSTraining",
            dependencies: ["COpenBLAS", "CMaaSKernels", "ProtoWire", "MaaSProtocol", "MaaSAudio", "MaaSModelConfig", "MaaSEngine"]
        ),
        .target(
            name: "MaaSRegistry",
            dependencies: [
                "MaaSProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // NIO channel handlers for the frame format, shared by the server and the client.
        .target(
            name: "MaaSTransport",
            dependencies: [
                "MaaSProtocol", "ProtoWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "MaaSServer",
            dependencies: [
                "MaaSProtocol", "MaaSTransport", "MaaSRegistry", "MaaSEngine", "MaaSAudio", "MaaSModelConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MaaSClient",
            dependencies: [
                "MaaSProtocol", "MaaSTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "maas",
            dependencies: [
                "MaaSServer", "MaaSClient", "MaaSEngine", "MaaSRegistry", "MaaSAudio", "MaaSModelConfig", "MaaSTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Helpers the test targets share (a seeded generator); only tests depend on it.
        .target(name: "MaaSTestSupport", path: "Tests/MaaSTestSupport"),
        .testTarget(name: "maasTests", dependencies: ["maas"]),
        .testTarget(name: "ProtoWireTests", dependencies: ["ProtoWire", "MaaSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MaaSProtocolTests", dependencies: ["MaaSProtocol", "MaaSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MaaSEngineTests", dependencies: ["MaaSEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MaaSAudioTests", dependencies: ["MaaSAudio", "MaaSTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MaaSModelConfigTests", dependencies: ["MaaSModelConfig", "MaaSProtocol", "MaaSAudio"]),
        .testTarget(
            name: "MaaSTrainingTests",
            dependencies: ["MaaSTraining", "MaaSEngine", "MaaSAudio", "MaaSModelConfig", "MaaSProtocol"],
            resources: [.copy("Metrics/Fixtures")]
        ),
        .testTarget(name: "MaaSRegistryTests", dependencies: ["MaaSRegistry", "MaaSProtocol"]),
        .testTarget(
            name: "MaaSTransportTests",
            dependencies: [
                "MaaSTransport", "MaaSProtocol", "ProtoWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MaaSClientTests",
            dependencies: [
                "MaaSClient", "MaaSProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MaaSServerTests",
            dependencies: [
                "MaaSServer", "MaaSClient", "MaaSEngine", "MaaSTransport", "MaaSProtocol", "ProtoWire", "MaaSModelConfig",
                "MaaSAudio", "MaaSTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
