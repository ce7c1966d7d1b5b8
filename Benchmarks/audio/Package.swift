// swift-tools-version:6.1
import PackageDescription

// A standalone package so the audio front-end builds in release mode for the benchmark without touching the
// main Package.swift. Sources/MaaSAudio, CMaaSAudioKernels, CSndFile, CSoxr and COpenBLAS are symlinks into the main tree.
let package = Package(
    name: "AudioBench",
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile"),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr"),
        .target(name: "CMaaSAudioKernels"),
        .target(name: "MaaSAudio", dependencies: ["CSndFile", "CSoxr", "COpenBLAS", "CMaaSAudioKernels"]),
        .executableTarget(name: "AudioBench", dependencies: ["MaaSAudio"]),
        // The main tree's MaaSAudioTests (a symlink), runnable here while other modules of the main package
        // do not build: `swift test --package-path Benchmarks/audio`.
        .testTarget(name: "MaaSAudioTests", dependencies: ["MaaSAudio"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
