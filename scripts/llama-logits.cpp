// llama-logits: llama.cpp's logits at every position of given token sequences (teacher forcing),
// the reference for VulkanLM's per-position tests (scripts/make-logit-references.py runs it).
// Built by scripts/build-llama-cpp.sh against the libllama it builds; not part of VulkanLM.
//
//   llama-logits MODEL TOP_K FLASH_ATTENTION(0|1) THREADS GENERATE < sequences
//
// stdin: one sequence per line, token ids separated by spaces. Each sequence is first extended by
// up to GENERATE greedy tokens (argmax of llama.cpp's logits, one decode step per token, ending
// after an end-of-generation token), then decoded again from an empty cache in one batch with an
// output at every position (teacher forcing). stdout: one JSON object per line,
//   {"ids": [the extended sequence], "top_ids": [[...] per position],
//    "top_logits": [[...] per position], "logsumexp": [...]}
// with the TOP_K largest logits of each position in descending order, and log Σ exp(logits)
// over the whole vocabulary (so log-probabilities of the listed tokens follow).
#include "llama.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

static void quiet(ggml_log_level level, const char * text, void *) {
    if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

int main(int argc, char ** argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s MODEL TOP_K FLASH_ATTENTION(0|1) THREADS GENERATE < sequences\n", argv[0]);
        return 64;
    }
    const int top_k = atoi(argv[2]);
    const bool flash = atoi(argv[3]) != 0;
    const int threads = atoi(argv[4]);
    const int generate = atoi(argv[5]);

    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model_params model_params = llama_model_default_params();
    llama_model * model = llama_model_load_from_file(argv[1], model_params);
    if (!model) { fprintf(stderr, "error: cannot load %s\n", argv[1]); return 1; }
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);

    std::vector<std::vector<llama_token>> sequences;
    size_t longest = 1;
    for (std::string line; std::getline(std::cin, line);) {
        std::istringstream words(line);
        std::vector<llama_token> ids;
        for (long id; words >> id;) {
            if (id < 0 || id >= n_vocab) { fprintf(stderr, "error: token %ld outside the vocabulary\n", id); return 1; }
            ids.push_back((llama_token) id);
        }
        if (ids.empty()) continue;
        longest = std::max(longest, ids.size() + (size_t) generate);
        sequences.push_back(ids);
    }

    llama_context_params params = llama_context_default_params();
    params.n_ctx = (uint32_t) std::max<size_t>(longest, 64);
    params.n_batch = params.n_ctx;
    params.n_ubatch = params.n_ctx;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    params.flash_attn_type = flash ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    llama_context * ctx = llama_init_from_model(model, params);
    if (!ctx) { fprintf(stderr, "error: cannot create a context\n"); return 1; }

    auto decode = [&](const std::vector<llama_token> & ids, size_t start, bool all_outputs) {
        llama_batch batch = llama_batch_init((int32_t) (ids.size() - start), 0, 1);
        for (size_t i = start; i < ids.size(); i++) {
            const size_t j = i - start;
            batch.token[j] = ids[i];
            batch.pos[j] = (llama_pos) i;
            batch.n_seq_id[j] = 1;
            batch.seq_id[j][0] = 0;
            batch.logits[j] = all_outputs || i + 1 == ids.size();
        }
        batch.n_tokens = (int32_t) (ids.size() - start);
        const int status = llama_decode(ctx, batch);
        llama_batch_free(batch);
        if (status != 0) { fprintf(stderr, "error: llama_decode failed (%d)\n", status); exit(1); }
    };
    auto argmax = [&](const float * logits) {
        return (llama_token) (std::max_element(logits, logits + n_vocab) - logits);
    };

    std::vector<int> order(n_vocab);
    for (auto ids : sequences) {
        llama_memory_clear(llama_get_memory(ctx), true);
        decode(ids, 0, false);
        for (int step = 0; step < generate; step++) {
            const llama_token next = argmax(llama_get_logits_ith(ctx, -1));
            ids.push_back(next);
            if (llama_vocab_is_eog(vocab, next) || step + 1 == generate) break;
            decode(ids, ids.size() - 1, false);
        }

        llama_memory_clear(llama_get_memory(ctx), true);
        decode(ids, 0, true);
        std::string sequence = "[";
        for (size_t i = 0; i < ids.size(); i++) sequence += (i ? "," : "") + std::to_string(ids[i]);
        std::string top_ids = "[", top_logits = "[", sums = "[";
        char number[64];
        for (size_t i = 0; i < ids.size(); i++) {
            const float * logits = llama_get_logits_ith(ctx, (int32_t) i);
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(order.begin(), order.begin() + top_k, order.end(),
                              [&](int a, int b) { return logits[a] > logits[b]; });
            double peak = logits[order[0]], sum = 0;
            for (int v = 0; v < n_vocab; v++) sum += std::exp((double) logits[v] - peak);
            top_ids += i ? ",[" : "[";
            top_logits += i ? ",[" : "[";
            for (int k = 0; k < top_k; k++) {
                top_ids += (k ? "," : "") + std::to_string(order[k]);
                snprintf(number, sizeof number, "%s%.9g", k ? "," : "", logits[order[k]]);
                top_logits += number;
            }
            top_ids += "]";
            top_logits += "]";
            snprintf(number, sizeof number, "%s%.9g", i ? "," : "", peak + std::log(sum));
            sums += number;
        }
        printf("{\"ids\":%s],\"top_ids\":%s],\"top_logits\":%s],\"logsumexp\":%s]}\n",
               sequence.c_str(), top_ids.c_str(), top_logits.c_str(), sums.c_str());
        fflush(stdout);
    }
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
