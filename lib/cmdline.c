/* cmdline.c: a small, allocation-free command-line option reader. */
#include "cmdline.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	bool found = false;
	const char *p = cmdline;

	while (p && *p) {
		while (is_space(*p))
			p++;
		const char *tok = p;
		while (*p && !is_space(*p))
			p++;
		size_t tok_len = (size_t)(p - tok);
		size_t k = 0;
		while (key[k] && k < tok_len && tok[k] == key[k])
			k++;
		if (key[k] || k == 0 || (k < tok_len && tok[k] != '='))
			continue;
		found = true;
		const char *val = k < tok_len ? tok + k + 1 : tok + k;
		size_t val_len = (size_t)(p - val);
		if (size) {
			size_t n = val_len < size - 1 ? val_len : size - 1;
			for (size_t i = 0; i < n; i++)
				buf[i] = val[i];
			buf[n] = '\0';
		}
	}
	return found;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	return cmdline_get(cmdline, key, NULL, 0);
}

bool cmdline_parse_u64(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned base = 10;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (v > (~0ull - d) / base)
			return false;
		v = v * base + d;
	}
	unsigned shift = 0;
	switch (*s) {
	case '\0': break;
	case 'K': case 'k': shift = 10; s++; break;
	case 'M': case 'm': shift = 20; s++; break;
	case 'G': case 'g': shift = 30; s++; break;
	default: return false;
	}
	if (*s || (shift && v > (~0ull >> shift)))
		return false;
	*out = v << shift;
	return true;
}
