/* cli_args.h: the CLI's pure helpers: splitting a line into words, numbers, CPU lists, names for codes. */
#ifndef DOM0_CLI_ARGS_H
#define DOM0_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * No I/O and no hypercalls, so host unit tests cover every rule. Each parser that can
 * fail writes one line for the operator into 'err' (no "error: " prefix, no newline).
 */

#define CLI_MAX_WORDS 32

/*
 * Splits 'line' in place into words separated by spaces or tabs. Double quotes group:
 * inside them spaces are part of the word, and the quotes themselves are removed, so
 * cmdline="a b" is the one word cmdline=a b, and "" is an empty word. Returns the
 * number of words (0 for a blank line), or -1 with err set for an unterminated quote
 * or more than 'max_words' words.
 */
int cli_split_words(char *line, char **words, int max_words, char *err, size_t err_size);

/*
 * A number for 'what' (e.g. "weight"): decimal, or hexadecimal after 0x/0X; nothing
 * else (no sign, no spaces, no suffix, not empty), and within [min, max]. A value that
 * does not fit 64 bits is out of range, not silently wrapped.
 */
bool cli_parse_u64(const char *what, const char *text, uint64_t min, uint64_t max,
		   uint64_t *value, char *err, size_t err_size);

/*
 * A set of physical CPUs: "all", or a comma-separated list of CPUs "N" and ranges
 * "A-B" (A <= B), each below 'nr_cpus' (at most 64: the affinity mask's width).
 * Returns the mask (bit n = CPU n), never empty.
 */
bool cli_parse_cpus(const char *text, unsigned int nr_cpus, uint64_t *mask, char *err, size_t err_size);

/* The reverse: "all" if every one of nr_cpus CPUs is in 'mask', else "0-2,5"; "none" if empty. */
void cli_format_cpus(uint64_t mask, unsigned int nr_cpus, char *out, size_t out_size);

/* Names for the operator: domain states (KEEL_DOMSTATE_*), vCPU states (sysctl VCPU_INFO)
 * and errors (a negated KEEL_E*). Never NULL; unknown values get "unknown". */
const char *cli_domain_state_name(uint32_t state);
const char *cli_vcpu_state_name(uint32_t state);
const char *cli_error_name(long rc);

#endif
