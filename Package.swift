// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "YT8MKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "FileIO", targets: ["FileIO"]),
        .library(name: "TFRecord", targets: ["TFRecord"]),
        .library(name: "YT8MData", targets: ["YT8MData"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "Zoo", targets: ["Zoo"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Collectives", targets: ["Collectives"]),
        .library(name: "Distributed", targets: ["Distributed"]),
        .executable(name: "yt8m", targets: ["yt8m"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        // `swift package generate-documentation` (DocC catalogues under Sources/*/*.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS (cblas) and LAPACKE from Debian's libopenblas-dev / liblapacke-dev.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // Float32 kernels (exp, sigmoid, tanh, softmax, layer norm, optimizer updates)
        // built for AVX2 + FMA and for AVX-512 by function attributes, chosen at run time.
        .target(name: "CKernels"),
        .target(
            name: "Tensor",
            dependencies: ["CBLAS", "CKernels", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Atomic writes and whole-file reads with typed errors (POSIX only).
        .target(name: "FileIO"),
        .target(name: "NN", dependencies: ["Tensor", "FileIO"]),
        // TFRecord framing, CRC32C and protobuf Example/SequenceExample: nothing YouTube-8M-specific.
        .target(name: "TFRecord", dependencies: ["FileIO"]),
        // The YouTube-8M schema, datasets, sampling, frame statistics and synthetic data.
        .target(name: "YT8MData", dependencies: ["TFRecord", "Tensor", "FileIO"]),
        // GAP, MAP, Hit@1, PERR and Kaggle submissions.
        .target(name: "Metrics", dependencies: ["FileIO"]),
        // The architectures and their registry.
        .target(name: "Zoo", dependencies: ["NN", "YT8MData"]),
        // The trainer, recipes, evaluation, prediction, ensembles, stacking, distillation.
        .target(name: "Training", dependencies: ["Zoo", "Metrics", "YT8MData", "NN", "FileIO"]),
        // Open MPI (Debian's libopenmpi-dev), for data-parallel training under mpirun.
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["openmpi-bin", "libopenmpi-dev"])]
        ),
        // The MPI calls Distributed makes, with plain C types: MPI_COMM_WORLD,
        // MPI_FLOAT, MPI_SUM and MPI_IN_PLACE are macros Swift cannot import.
        .target(name: "CMPIShim", dependencies: ["CMPI"]),
        // The Communicator protocol (allreduce, broadcast, allgather, barrier) and its single-process implementation; no MPI.
        .target(name: "Collectives", dependencies: ["FileIO"]),
        // MPICommunicator and data-parallel training: gradient buckets, the sharded batch source, the DataParallel callback.
        .target(name: "Distributed", dependencies: ["Collectives", "CMPIShim", "Training", "NN", "Tensor", "Zoo", "Metrics"]),
        // Fuzzing the readers of outside data (scripts/fuzz.sh): libFuzzer's entry point with
        // -DFUZZING -sanitize=fuzzer, a corpus replay otherwise.
        .executableTarget(name: "RecordFuzzer", dependencies: ["TFRecord", "YT8MData", "NN", "Tensor", "Metrics"]),
        // Trains a tiny model under mpirun and writes its weights (scripts/mpi_equivalence.sh compares them).
        .executableTarget(name: "DistributedCheck", dependencies: ["Distributed", "Collectives", "Training", "Zoo", "NN", "Tensor", "Metrics", "FileIO"]),
        .executableTarget(
            name: "yt8m",
            dependencies: ["Training", "Distributed", "Collectives", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The fp32 FMA ceiling probe of the benchmark runner's machine header.
        .target(name: "CMachineProbe"),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["Tensor", "NN", "TFRecord", "YT8MData", "Zoo", "Training", "CBLAS", "CMachineProbe", "Collectives", "Distributed", "FileIO",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Benchmarks"
        ),
        .executableTarget(name: "GradientBasics", dependencies: ["Tensor"], path: "Examples/GradientBasics"),
        .executableTarget(name: "TrainingCallbacks", dependencies: ["Training"], path: "Examples/TrainingCallbacks"),
        .executableTarget(name: "CustomOp", dependencies: ["Tensor"], path: "Examples/CustomOp"),
        .executableTarget(name: "CustomArchitecture", dependencies: ["Training"], path: "Examples/CustomArchitecture"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CKernels"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "Collectives", "Training", "Zoo", "NN", "Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "FileIO"], resources: [.copy("Fixtures")]),
        // The fixtures and temporary-directory helpers the data, metrics and training tests share.
        .target(name: "TestSupport", dependencies: ["YT8MData"], path: "Tests/TestSupport", resources: [.copy("Fixtures")]),
        .testTarget(name: "TFRecordTests", dependencies: ["TFRecord", "FileIO", "TestSupport"]),
        .testTarget(name: "YT8MDataTests", dependencies: ["YT8MData", "TFRecord", "Metrics", "NN", "Tensor", "FileIO", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "FileIO", "TestSupport"]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "Training", "YT8MData", "NN", "Tensor"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Zoo", "Metrics", "YT8MData", "NN", "Tensor", "FileIO", "TFRecord", "TestSupport"]),
        // Runs the built yt8m executable as a separate process.
        .testTarget(name: "ToolTests", dependencies: ["yt8m", "Training", "Zoo", "Metrics", "YT8MData", "TFRecord"]),
    ],
    swiftLanguageModes: [.v5]
)
