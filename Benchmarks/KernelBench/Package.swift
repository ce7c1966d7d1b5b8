// swift-tools-version:6.1
import PackageDescription

// A standalone package so the kernel benchmark builds in release mode without touching the main
// Package.swift. Sources/MaaSEngineKernels, Sources/CMaaSKernels and Sources/COpenBLAS are symlinks into the main tree.
let package = Package(
    name: "KernelBench",
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
        .target(name: "CMaaSKernels"),
        .target(name: "MaaSEngineKernels", dependencies: ["COpenBLAS", "CMaaSKernels"]),
        .executableTarget(name: "KernelBench", dependencies: ["MaaSEngineKernels"]),
    ],
    swiftLanguageModes: [.v6]
)
