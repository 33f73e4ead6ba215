// swift-tools-version:6.0
import PackageDescription

// Layers, from the metal up (see README.md):
//   CVulkan, CBLAS     C headers only; libvulkan.so.1 is opened at run time, never linked.
//   CKernels           CPU kernels in C for instructions Swift cannot ask for (F16C, AVX2), chosen at run time.
//   VulkanRuntime      instance, device, memory, pipelines, command streams. Knows nothing of transformers.
//   Kernels            GLSL compute shaders from Shaders/, compiled to SPIR-V at build time and embedded.
//   WeightTypes        every ggml tensor type's block layout in one table, and the reference
//                      dequantizers of the ones the kernels compute with.
//   Compute            Tensor, the Backend protocol, shape rules shared by every backend.
//   Tokenizers         GPT-2 byte-level BPE and BERT WordPiece, exact to Hugging Face's.
//                      Also reads the GGUF tokenizer metadata (depends on Formats), exact to llama.cpp.
//   Formats            safetensors and GGUF (mmap), model folders, config.json → typed configs, shape checks.
//   Models             BERT and GPT-2, written once against Backend.
//   Generation         sampling, beam search, stop conditions, streaming; chat templates and sessions.
//   CPUBackend         OpenBLAS + SIMD Swift.
//   VulkanBackend      one pipeline per op, dispatches recorded into one command buffer.
//   VulkanLM           backend selection (auto / cpu / index / name) with CPU fallback.
//   KernelBenchmarks   Benchmarks/: kernel timings against OpenBLAS.
//   vulkanlm           the command-line tool.
let package = Package(
    name: "VulkanLM",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "VulkanLM", targets: ["VulkanLM"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .executable(name: "vulkanlm", targets: ["vulkanlm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CVulkan"),
        .systemLibrary(name: "CBLAS"),
        .target(name: "VulkanRuntime", dependencies: ["CVulkan"]),
        .plugin(name: "EmbedShaders", capability: .buildTool()),
        .target(name: "Kernels", plugins: ["EmbedShaders"]),
        .target(name: "WeightTypes"),
        .target(name: "Compute", dependencies: ["WeightTypes"]),
        .target(name: "Formats", dependencies: ["WeightTypes"]),
        .target(name: "Tokenizers", dependencies: ["Formats"]),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "CPUBackend", dependencies: ["Compute", "WeightTypes", "CBLAS", "CKernels"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
        .target(name: "VulkanBackend", dependencies: ["Compute", "VulkanRuntime", "Kernels"]),
        .target(name: "Models", dependencies: ["Compute", "Formats", "Tokenizers"]),
        .target(name: "Generation", dependencies: ["Compute", "Models", "Tokenizers"]),
        .target(name: "VulkanLM", dependencies: [
            "Compute", "CPUBackend", "VulkanBackend", "VulkanRuntime",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "KernelBenchmarks", dependencies: ["Compute", "VulkanBackend", "CBLAS"],
                path: "Benchmarks/KernelBenchmarks"),
        .executableTarget(name: "vulkanlm", dependencies: [
            "VulkanLM", "KernelBenchmarks", "Tokenizers", "Formats", "Models", "Generation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TestSupport", dependencies: ["VulkanBackend", "VulkanRuntime"], path: "Tests/TestSupport"),
        .testTarget(name: "ComputeTests", dependencies: ["VulkanLM", "TestSupport", "WeightTypes"], exclude: ["Fixtures"]),
        .testTarget(name: "VulkanRuntimeTests", dependencies: ["VulkanLM", "TestSupport", "Kernels"]),
        .testTarget(name: "CLITests", dependencies: ["vulkanlm", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizers"], exclude: ["Fixtures"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Compute", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LlamaTests", dependencies: ["Tokenizers", "Formats", "Models", "Generation", "CPUBackend", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ModelTests", dependencies: ["Models", "VulkanLM", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Models", "Tokenizers", "Formats", "VulkanLM", "TestSupport"]),
    ]
)
