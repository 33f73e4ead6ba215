// Transformer architectures (BERT encoders, GPT-2 decoders), written once against `Backend`
// so the same code runs on Vulkan and on the CPU.
