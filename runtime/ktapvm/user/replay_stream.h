/* replay_stream.h - the event stream `ktap replay` writes for the runner, from its one
 * definition (../ktap_replay_stream.def): constants, offsets, flags and item kinds. */
#ifndef KTAP_REPLAY_STREAM_H
#define KTAP_REPLAY_STREAM_H

#include <stddef.h>
#include "replay.h"

#define KTAP_REPLAY_HEADER_FIELD(off, bytes, name, meaning)
#define KTAP_REPLAY_EVENT_FIELD(off, bytes, name, meaning)
#define KTAP_REPLAY_ITEM_FIELD(off, bytes, name, meaning)
#define KTAP_REPLAY_FLAG(bit, name, meaning)
#define KTAP_REPLAY_ITEM(kind, name, meaning)
#define KTAP_REPLAY_CONST(name, value, meaning) KTAP_REPLAY_##name = value,
enum { 
#include "../ktap_replay_stream.def"
};
#undef KTAP_REPLAY_CONST
#define KTAP_REPLAY_CONST(name, value, meaning)
#undef KTAP_REPLAY_HEADER_FIELD
#define KTAP_REPLAY_HEADER_FIELD(off, bytes, name, meaning) KTAP_RS_HDR_##name = off,
enum {
#include "../ktap_replay_stream.def"
};
#undef KTAP_REPLAY_HEADER_FIELD
#define KTAP_REPLAY_HEADER_FIELD(off, bytes, name, meaning)
#undef KTAP_REPLAY_EVENT_FIELD
#define KTAP_REPLAY_EVENT_FIELD(off, bytes, name, meaning) KTAP_RS_EV_##name = off,
enum {
#include "../ktap_replay_stream.def"
};
#undef KTAP_REPLAY_EVENT_FIELD
#define KTAP_REPLAY_EVENT_FIELD(off, bytes, name, meaning)
#undef KTAP_REPLAY_ITEM_FIELD
#define KTAP_REPLAY_ITEM_FIELD(off, bytes, name, meaning) KTAP_RS_IT_##name = off,
enum {
#include "../ktap_replay_stream.def"
};
#undef KTAP_REPLAY_ITEM_FIELD
#define KTAP_REPLAY_ITEM_FIELD(off, bytes, name, meaning)
#undef KTAP_REPLAY_FLAG
#define KTAP_REPLAY_FLAG(bit, name, meaning) KTAP_RS_FLAG_##name = bit,
enum {
#include "../ktap_replay_stream.def"
};
#undef KTAP_REPLAY_FLAG
#define KTAP_REPLAY_FLAG(bit, name, meaning)
#undef KTAP_REPLAY_ITEM
#define KTAP_REPLAY_ITEM(kind, name, meaning) KTAP_RS_ITEM_##name = kind,
enum {
#include "../ktap_replay_stream.def"
};
#undef KTAP_REPLAY_ITEM
#undef KTAP_REPLAY_HEADER_FIELD
#undef KTAP_REPLAY_EVENT_FIELD
#undef KTAP_REPLAY_ITEM_FIELD
#undef KTAP_REPLAY_FLAG
#undef KTAP_REPLAY_CONST

struct replay_stream {
	const unsigned char *buf;
	size_t len, pos;
	unsigned long index; /* events read so far */
};

/* Checks the stream header. 0, or -1 with msg. */
int replay_stream_open(struct replay_stream *s, const unsigned char *buf, size_t len, char *msg, size_t msgsz);
/* The next event: 1 (e and *line filled; e's strings point into the stream's buffer),
 * 0 at the end, -1 with msg for a malformed record (the stream is not trusted). */
int replay_stream_next(struct replay_stream *s, struct replay_event *e, unsigned *line, char *msg, size_t msgsz);

#endif
