// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "YT8MKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Zoo", targets: ["Zoo"]),
        .executable(name: "yt8m", targets: ["yt8m"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // OpenBLAS (cblas) and LAPACKE from Debian's libopenblas-dev / liblapacke-dev.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // Float32 transcendental loops built for AVX2 + FMA by function attributes.
        .target(name: "CKernels"),
        .target(
            name: "Tensor",
            dependencies: ["CBLAS", "CKernels", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .target(name: "NN", dependencies: ["Tensor"]),
        .target(name: "Zoo", dependencies: ["NN"]),
        .executableTarget(
            name: "yt8m",
            dependencies: ["Zoo", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["Tensor", "NN", "Zoo", "CBLAS",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Benchmarks"
        ),
        .executableTarget(name: "GradientBasics", dependencies: ["Tensor"], path: "Examples/GradientBasics"),
        .executableTarget(name: "CustomOp", dependencies: ["Tensor"], path: "Examples/CustomOp"),
        .executableTarget(name: "CustomArchitecture", dependencies: ["Zoo"], path: "Examples/CustomArchitecture"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo"], resources: [.copy("Fixtures")]),
        // Runs the built yt8m executable as a separate process.
        .testTarget(name: "ToolTests", dependencies: ["yt8m"]),
    ],
    swiftLanguageModes: [.v5]
)
