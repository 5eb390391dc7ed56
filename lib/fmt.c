/* fmt.c: freestanding printf-style formatting (see fmt.h for the supported subset). */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision;            /* -1: none given */
	int length;               /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/ptrdiff/intmax */
};

struct out {
	fmt_sink_fn sink;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static int parse_int(const char **p)
{
	int v = 0;
	while (**p >= '0' && **p <= '9') {
		if (v < 100000)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

static void emit_string(struct out *o, const struct spec *s, const char *str)
{
	if (!str)
		str = "(null)";
	int len = 0;
	while ((s->precision < 0 || len < s->precision) && str[len])
		len++;
	if (!s->left)
		pad(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', s->width - len);
}

static void emit_number(struct out *o, const struct spec *s, uint64_t v, bool negative,
			unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0;

	/* C: a zero value with precision 0 prints no digits. */
	if (!(v == 0 && s->precision == 0)) {
		do {
			buf[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	char sign = negative ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	int prefix_len = 0;
	while (prefix && prefix[prefix_len])
		prefix_len++;
	int zeros = s->precision > n ? s->precision - n : 0;
	int body = n + zeros + prefix_len + (sign ? 1 : 0);
	bool zero_pad = s->zero && !s->left && s->precision < 0;

	if (!s->left && !zero_pad)
		pad(o, ' ', s->width - body);
	if (sign)
		put(o, sign);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	if (zero_pad)
		pad(o, '0', s->width - body);
	pad(o, '0', zeros);
	while (n)
		put(o, buf[--n]);
	if (s->left)
		pad(o, ' ', s->width - body);
}

static uint64_t fetch_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 0:  return va_arg(*ap, unsigned int);
	case 1:  return va_arg(*ap, unsigned long);
	default: return va_arg(*ap, unsigned long long);
	}
}

static int64_t fetch_signed(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 0:  return va_arg(*ap, int);
	case 1:  return va_arg(*ap, long);
	default: return va_arg(*ap, long long);
	}
}

int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	va_list ap;
	va_copy(ap, ap_in);

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		struct spec s = { .precision = -1 };
		for (;; p++) {
			if (*p == '-') s.left = true;
			else if (*p == '0') s.zero = true;
			else if (*p == '+') s.plus = true;
			else if (*p == ' ') s.space = true;
			else if (*p == '#') s.alt = true;
			else break;
		}
		if (*p == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = s.width == INT32_MIN ? 0 : -s.width;
			}
			p++;
		} else {
			s.width = parse_int(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				s.precision = va_arg(ap, int);
				if (s.precision < 0)
					s.precision = -1;
				p++;
			} else {
				s.precision = parse_int(&p);
			}
		}
		switch (*p) {
		case 'h': s.length = -1; if (p[1] == 'h') { s.length = -2; p++; } p++; break;
		case 'l': s.length = 1;  if (p[1] == 'l') { s.length = 2; p++; } p++; break;
		case 'z': case 'j': case 't': s.length = 3; p++; break;
		default: break;
		}

		switch (*p) {
		case 'd': case 'i': {
			int64_t v = fetch_signed(&s, &ap);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			emit_number(&o, &s, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u':
			emit_number(&o, &s, fetch_unsigned(&s, &ap), false, 10, false, NULL);
			break;
		case 'x': case 'X': {
			uint64_t v = fetch_unsigned(&s, &ap);
			const char *prefix = (s.alt && v) ? (*p == 'x' ? "0x" : "0X") : NULL;
			emit_number(&o, &s, v, false, 16, *p == 'X', prefix);
			break;
		}
		case 'o': {
			uint64_t v = fetch_unsigned(&s, &ap);
			emit_number(&o, &s, v, false, 8, false, (s.alt && v) ? "0" : NULL);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			s.plus = s.space = false;
			emit_number(&o, &s, v, false, 16, false, "0x");
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!s.left)
				pad(&o, ' ', s.width - 1);
			put(&o, c);
			if (s.left)
				pad(&o, ' ', s.width - 1);
			break;
		}
		case 's':
			emit_string(&o, &s, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* A lone trailing '%': print it rather than read past the end. */
			put(&o, '%');
			p--;
			break;
		default:
			/* Unknown conversion: show it verbatim so the mistake is visible. */
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	va_end(ap);
	return o.count;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_put(void *ctx, char c)
{
	struct buf_sink *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, size, 0 };
	int n = fmt_vformat(buf_put, &b, fmt, ap);
	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
