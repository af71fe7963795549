/* qail.h: the C API of libqail, Qail's deployed-policy runtime (NativeAOT shared library).
 *
 * A policy file comes from `qail quantize` (or Export.ToIntegerPolicy / ToFloatPolicy in .NET). One qail_policy
 * serves one thread at a time; qail_replicate gives an independent one (sharing the weights) for another thread.
 * qail_act allocates nothing: the caller owns every buffer. Errors: functions return NULL or a negative code, and
 * qail_last_error() describes the last failure on the calling thread.
 *
 * ABI version 1. The version changes when a function or struct changes; check qail_abi_version() at start. */
#ifndef QAIL_H
#define QAIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QAIL_ABI_VERSION 1

#define QAIL_OK 0
#define QAIL_ERROR_ARGUMENT (-1) /* null handle or buffer, wrong length, value the policy refuses */
#define QAIL_ERROR_FAILED (-2)   /* anything else; see qail_last_error() */

typedef struct qail_policy qail_policy;

/* One step's inputs, views of the caller's buffers. Parts the policy does not read may be NULL with length 0. */
typedef struct qail_inputs {
    const float *state;          /* qail_state_size() floats */
    size_t state_length;
    const uint8_t *image;        /* height x width x channels bytes, interleaved */
    size_t image_length;
    const int32_t *instruction;  /* qail_instruction_length() token ids */
    size_t instruction_length;
    int32_t command;             /* high-level command index; ignored unless has_command */
    int32_t has_command;
} qail_inputs;

/* QAIL_ABI_VERSION of the library. */
int32_t qail_abi_version(void);

/* Loads a policy from a file path (UTF-8) or from a memory buffer (copied; the caller may free it after). */
qail_policy *qail_load(const char *path);
qail_policy *qail_load_memory(const uint8_t *data, size_t length);

/* Sizes: floats of the state, bytes of the image (and its shape, any pointer may be NULL), instruction tokens,
 * whether a command is read (1) or not (0), floats of the action. Negative on a null handle. */
int32_t qail_state_size(const qail_policy *policy);
int32_t qail_image_size(const qail_policy *policy, int32_t *height, int32_t *width, int32_t *channels);
int32_t qail_instruction_length(const qail_policy *policy);
int32_t qail_reads_command(const qail_policy *policy);
int32_t qail_action_size(const qail_policy *policy);

/* Computes the action for inputs into action[0 .. action_length); action_length must be qail_action_size(). */
int32_t qail_act(qail_policy *policy, const qail_inputs *inputs, float *action, size_t action_length);

/* An independent policy with the same weights, for another thread; NULL on failure. */
qail_policy *qail_replicate(const qail_policy *policy);

/* The last failure on this thread, UTF-8, valid until the next failing call on this thread; "" if none. */
const char *qail_last_error(void);

/* Releases a policy (NULL is ignored). */
void qail_free(qail_policy *policy);

#ifdef __cplusplus
}
#endif

#endif /* QAIL_H */
