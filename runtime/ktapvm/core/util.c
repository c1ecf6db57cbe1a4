/* util.c - the few libc-like helpers the core needs (it links against no libc). */
#include "kvm.h"

void kvm_memcpy(void *d, const void *s, u64 n)
{
	u8 *dd = d;
	const u8 *ss = s;
	while (n--)
		*dd++ = *ss++;
}

void kvm_memset(void *d, int c, u64 n)
{
	u8 *dd = d;
	while (n--)
		*dd++ = (u8)c;
}

int kvm_memcmp(const void *a, const void *b, u64 n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

u32 kvm_strlen(const char *s)
{
	u32 n = 0;
	while (s[n])
		n++;
	return n;
}

/* FNV-1a */
u32 kvm_hash(const void *p, u32 n)
{
	const u8 *b = p;
	u32 h = 2166136261u;
	while (n--) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib), bitwise: the loader runs it once per bundle.
 * The 4 bytes at skip_off are taken as zero. */
u32 kvm_crc32(const u8 *p, u32 n, u32 skip_off)
{
	u32 crc = 0xFFFFFFFFu, i;
	int k;
	for (i = 0; i < n; i++) {
		u8 byte = (i >= skip_off && i < skip_off + 4) ? 0 : p[i];
		crc ^= byte;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static int put_char(char *buf, int max, int pos, char ch)
{
	if (pos < max - 1)
		buf[pos] = ch;
	return pos + 1;
}

static int put_u64(char *buf, int max, int pos, u64 v, int base, int neg)
{
	char tmp[24];
	int n = 0;
	if (neg)
		pos = put_char(buf, max, pos, '-');
	do {
		u32 d = (u32)(v % (u64)base);
		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= (u64)base;
	} while (v);
	while (n)
		pos = put_char(buf, max, pos, tmp[--n]);
	return pos;
}

/* Messages only: %s %d %u %x %lld %llu %llx %c %%. */
int kvm_snprintf(char *buf, int max, const char *fmt, ...)
{
	__builtin_va_list ap;
	int n;
	__builtin_va_start(ap, fmt);
	n = kvm_vsnprintf(buf, max, fmt, ap);
	__builtin_va_end(ap);
	return n;
}

int kvm_vsnprintf(char *buf, int max, const char *fmt, __builtin_va_list ap)
{
	int pos = 0;
	for (; *fmt; fmt++) {
		int ll = 0;
		if (*fmt != '%') {
			pos = put_char(buf, max, pos, *fmt);
			continue;
		}
		fmt++;
		while (*fmt == 'l') {
			ll++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *str = __builtin_va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			while (*str)
				pos = put_char(buf, max, pos, *str++);
			break;
		}
		case 'c':
			pos = put_char(buf, max, pos, (char)__builtin_va_arg(ap, int));
			break;
		case 'd': {
			s64 v = ll >= 2 ? __builtin_va_arg(ap, long long) : __builtin_va_arg(ap, int);
			pos = put_u64(buf, max, pos, v < 0 ? 0 - (u64)v : (u64)v, 10, v < 0);
			break;
		}
		case 'u':
		case 'x': {
			u64 v = ll >= 2 ? __builtin_va_arg(ap, unsigned long long)
				       : __builtin_va_arg(ap, unsigned int);
			pos = put_u64(buf, max, pos, v, *fmt == 'x' ? 16 : 10, 0);
			break;
		}
		case '%':
			pos = put_char(buf, max, pos, '%');
			break;
		default:
			pos = put_char(buf, max, pos, '?');
			break;
		}
		if (!*fmt)
			break;
	}
	if (max > 0)
		buf[pos < max ? pos : max - 1] = 0;
	return pos;
}
