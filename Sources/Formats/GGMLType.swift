// ggml's tensor types and their block layouts live in WeightTypes, the one table every layer
// reads; the reader's API hands out `GGMLType` values, so re-export it.
@_exported import WeightTypes
