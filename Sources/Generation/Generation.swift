// Token generation: sampling (greedy, temperature, top-k, top-p, repetition penalty), beam
// search, stop conditions, and streaming as an AsyncThrowingStream.
