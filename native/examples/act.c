/* act.c: load a deployed policy with libqail and act on recorded observations.
 *
 *   act POLICY INPUTS STEPS [--memory]
 *
 * INPUTS holds STEPS records, each the policy's inputs in the order state (float32), image (uint8, H x W x C),
 * instruction (int32), command (int32), the parts the policy reads only (sizes from the qail_* queries).
 * Prints one line per step: the action's float32 bits in hex. --memory loads the policy from a buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qail.h"

static void *read_file(const char *path, size_t *length) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc(size > 0 ? (size_t)size : 1);
    if (data && fread(data, 1, (size_t)size, f) != (size_t)size) { free(data); data = NULL; }
    fclose(f);
    *length = (size_t)size;
    return data;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: act POLICY INPUTS STEPS [--memory]\n"); return 2; }
    if (qail_abi_version() != QAIL_ABI_VERSION) {
        fprintf(stderr, "libqail ABI %d, header %d\n", qail_abi_version(), QAIL_ABI_VERSION);
        return 1;
    }
    qail_policy *policy;
    if (argc > 4 && strcmp(argv[4], "--memory") == 0) {
        size_t length;
        uint8_t *bytes = read_file(argv[1], &length);
        if (!bytes) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
        policy = qail_load_memory(bytes, length);
        free(bytes);
    } else {
        policy = qail_load(argv[1]);
    }
    if (!policy) { fprintf(stderr, "load failed: %s\n", qail_last_error()); return 1; }

    int32_t state = qail_state_size(policy), image = qail_image_size(policy, NULL, NULL, NULL);
    int32_t tokens = qail_instruction_length(policy), command = qail_reads_command(policy);
    int32_t actions = qail_action_size(policy);
    size_t record = state * 4 + image + tokens * 4 + command * 4, length;
    uint8_t *inputs = read_file(argv[2], &length);
    long steps = strtol(argv[3], NULL, 10);
    if (!inputs || length != record * (size_t)steps) {
        fprintf(stderr, "inputs: %zu bytes, expected %zu\n", length, record * steps);
        return 1;
    }

    float *action = malloc(sizeof(float) * actions);
    for (long t = 0; t < steps; t++) {
        const uint8_t *at = inputs + record * t;
        qail_inputs step = {0};
        step.state = (const float *)at; step.state_length = state; at += state * 4;
        step.image = at; step.image_length = image; at += image;
        step.instruction = (const int32_t *)at; step.instruction_length = tokens; at += tokens * 4;
        if (command) { memcpy(&step.command, at, 4); step.has_command = 1; }
        if (qail_act(policy, &step, action, actions) != QAIL_OK) {
            fprintf(stderr, "act failed: %s\n", qail_last_error());
            return 1;
        }
        for (int32_t i = 0; i < actions; i++) {
            uint32_t bits;
            memcpy(&bits, &action[i], 4);
            printf(i ? " %08x" : "%08x", bits);
        }
        printf("\n");
    }
    /* A wrong action length is refused with a message, not a crash. */
    if (qail_act(policy, &(qail_inputs){0}, action, actions + 1) != QAIL_ERROR_ARGUMENT || !*qail_last_error())
        return 1;
    free(action);
    free(inputs);
    qail_free(policy);
    return 0;
}
