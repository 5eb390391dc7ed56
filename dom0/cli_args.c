/* cli_args.c: splitting command lines, strict numbers and CPU lists, and names for states and errors. */
#include "cli_args.h"

#include <stdio.h>
#include <string.h>

#include <keel/abi.h>
#include <keel/domctl.h>

#define MAX_AFFINITY_CPUS 64   /* the width of the affinity mask */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int cli_split_words(char *line, char **words, int max_words, char *err, size_t err_size)
{
	int count = 0;
	char *in = line;
	for (;;) {
		while (is_space(*in))
			in++;
		if (*in == '\0')
			return count;
		if (count == max_words) {
			snprintf(err, err_size, "too many words (at most %d)", max_words);
			return -1;
		}
		/* The word is written over itself: dropping quotes only ever shortens it. */
		char *out = in;
		words[count++] = out;
		bool quoted = false;
		while (*in && (quoted || !is_space(*in))) {
			if (*in == '"')
				quoted = !quoted;
			else
				*out++ = *in;
			in++;
		}
		if (quoted) {
			snprintf(err, err_size, "unterminated quote");
			return -1;
		}
		bool more = *in != '\0';
		*out = '\0';
		if (more)
			in++;   /* past the separator, which 'out' may just have overwritten */
	}
}

static int digit_value(char c, unsigned int base)
{
	int v;
	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

/* Parses the whole of 'text'; false if it is not a number, *overflow if it is one too big. */
static bool parse_digits(const char *text, uint64_t *value, bool *overflow)
{
	unsigned int base = 10;
	const char *p = text;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	*overflow = false;
	if (*p == '\0')
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		int d = digit_value(*p, base);
		if (d < 0)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			*overflow = true;   /* keep scanning: "99999999999999999999x" is still malformed */
		else
			v = v * base + (uint64_t)d;
	}
	*value = v;
	return true;
}

bool cli_parse_u64(const char *what, const char *text, uint64_t min, uint64_t max,
		   uint64_t *value, char *err, size_t err_size)
{
	uint64_t v = 0;
	bool overflow;
	if (!parse_digits(text, &v, &overflow)) {
		snprintf(err, err_size, "%s: '%s' is not a number", what, text);
		return false;
	}
	if (overflow || v < min || v > max) {
		snprintf(err, err_size, "%s: %s is out of range (%llu..%llu)", what, text,
			 (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*value = v;
	return true;
}

/* One CPU number of a list, from 'p' up to the first byte not a digit; advances *pp. */
static bool parse_cpu(const char **pp, unsigned int nr_cpus, unsigned int *cpu, const char *text,
		      char *err, size_t err_size)
{
	const char *p = *pp;
	uint64_t v = 0;
	if (*p < '0' || *p > '9') {
		snprintf(err, err_size, "cpus: '%s' is not a CPU list (like 0, 0-2, 1,3 or all)", text);
		return false;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v >= nr_cpus)
			break;   /* too big already: stop before it can overflow */
	}
	while (*p >= '0' && *p <= '9')
		p++;
	if (v >= nr_cpus) {
		snprintf(err, err_size, "cpus: '%s' names a CPU the machine does not have (CPUs 0-%u)",
			 text, nr_cpus - 1);
		return false;
	}
	*cpu = (unsigned int)v;
	*pp = p;
	return true;
}

bool cli_parse_cpus(const char *text, unsigned int nr_cpus, uint64_t *mask, char *err, size_t err_size)
{
	if (nr_cpus > MAX_AFFINITY_CPUS)
		nr_cpus = MAX_AFFINITY_CPUS;
	if (nr_cpus == 0) {
		snprintf(err, err_size, "cpus: no CPUs are online");
		return false;
	}
	if (strcmp(text, "all") == 0) {
		*mask = nr_cpus == 64 ? UINT64_MAX : (1ull << nr_cpus) - 1;
		return true;
	}
	uint64_t m = 0;
	const char *p = text;
	for (;;) {
		unsigned int first, last;
		if (!parse_cpu(&p, nr_cpus, &first, text, err, err_size))
			return false;
		last = first;
		if (*p == '-') {
			p++;
			if (!parse_cpu(&p, nr_cpus, &last, text, err, err_size))
				return false;
			if (last < first) {
				snprintf(err, err_size, "cpus: '%s' has a range that runs backwards", text);
				return false;
			}
		}
		for (unsigned int c = first; c <= last; c++)
			m |= 1ull << c;
		if (*p == '\0')
			break;
		if (*p != ',') {
			snprintf(err, err_size, "cpus: '%s' is not a CPU list (like 0, 0-2, 1,3 or all)", text);
			return false;
		}
		p++;
	}
	*mask = m;
	return true;
}

void cli_format_cpus(uint64_t mask, unsigned int nr_cpus, char *out, size_t out_size)
{
	if (out_size == 0)
		return;
	if (nr_cpus > MAX_AFFINITY_CPUS)
		nr_cpus = MAX_AFFINITY_CPUS;
	uint64_t all = nr_cpus == 64 ? UINT64_MAX : (1ull << nr_cpus) - 1;
	if (nr_cpus && (mask & all) == all) {
		snprintf(out, out_size, "all");
		return;
	}
	if (mask == 0) {
		snprintf(out, out_size, "none");
		return;
	}
	size_t used = 0;
	out[0] = '\0';
	for (unsigned int c = 0; c < MAX_AFFINITY_CPUS && used < out_size; c++) {
		if (!(mask & (1ull << c)))
			continue;
		unsigned int last = c;
		while (last + 1 < MAX_AFFINITY_CPUS && (mask & (1ull << (last + 1))))
			last++;
		const char *sep = used ? "," : "";
		int n = last == c ? snprintf(out + used, out_size - used, "%s%u", sep, c)
				  : snprintf(out + used, out_size - used, "%s%u-%u", sep, c, last);
		if (n > 0)
			used += (size_t)n;   /* past out_size when cut short: the loop then ends */
		c = last;
	}
}

const char *cli_domain_state_name(uint32_t state)
{
	switch (state) {
	case KEEL_DOMSTATE_BUILDING: return "building";
	case KEEL_DOMSTATE_PAUSED:   return "paused";
	case KEEL_DOMSTATE_RUNNING:  return "running";
	case KEEL_DOMSTATE_BLOCKED:  return "blocked";
	case KEEL_DOMSTATE_SHUTDOWN: return "shutdown";
	case KEEL_DOMSTATE_CRASHED:  return "crashed";
	case KEEL_DOMSTATE_DYING:    return "dying";
	default:                     return "unknown";
	}
}

const char *cli_vcpu_state_name(uint32_t state)
{
	static const char *const names[] = { "down", "runnable", "running", "blocked" };
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

const char *cli_error_name(long rc)
{
	switch (-rc) {
	case 0:             return "success";
	case KEEL_EPERM:    return "not permitted";
	case KEEL_ENOENT:   return "no such object";
	case KEEL_ESRCH:    return "no such domain";
	case KEEL_EIO:      return "I/O error";
	case KEEL_E2BIG:    return "too big";
	case KEEL_EBADF:    return "bad port or handle";
	case KEEL_EAGAIN:   return "try again later";
	case KEEL_ENOMEM:   return "out of memory";
	case KEEL_EFAULT:   return "bad address";
	case KEEL_EBUSY:    return "busy";
	case KEEL_EEXIST:   return "already exists";
	case KEEL_ENODEV:   return "no such device";
	case KEEL_EINVAL:   return "invalid argument";
	case KEEL_ENOSPC:   return "no room left";
	case KEEL_ENOSYS:   return "not implemented";
	default:            return "unknown error";
	}
}
