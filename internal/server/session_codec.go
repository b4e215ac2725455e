package server

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionCodec (exported for tests reading stored sessions) encodes sessions compactly and deterministically (keys sorted), instead of
// scs's gob: gob builds its type descriptions again for every session it encodes or decodes
// (about a tenth of the CPU of a dashboard view in the profile), and writes map entries in
// random order, so an unchanged session did not encode to the same bytes and had to be
// decoded twice more to be found unchanged. The values kept in sessions are int64, string and
// bool; a session holding any other type is written with gob, and gob sessions (those written
// before this codec) are still read.
type SessionCodec struct{}

// sessionMagic starts every session this codec writes. 0x80 never starts a gob stream (a
// message length of 0x80 would be a negated byte count of 128).
var sessionMagic = []byte{0x80, 'P', 'S', '1'}

const (
	sessionInt    = 'i'
	sessionString = 's'
	sessionTrue   = 't'
	sessionFalse  = 'f'
)

func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(values))
	for k, v := range values {
		switch v.(type) {
		case int64, string, bool:
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 64)
	b = append(b, sessionMagic...)
	ns := int64(math.MinInt64) // the zero time
	if !deadline.IsZero() {
		ns = deadline.UnixNano()
	}
	b = binary.AppendVarint(b, ns)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch v := values[k].(type) {
		case int64:
			b = append(b, sessionInt)
			b = binary.AppendVarint(b, v)
		case string:
			b = append(b, sessionString)
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		case bool:
			if v {
				b = append(b, sessionTrue)
			} else {
				b = append(b, sessionFalse)
			}
		}
	}
	return b, nil
}

var errSessionCodec = errors.New("session: malformed data")

func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(b, sessionMagic) {
		return scs.GobCodec{}.Decode(b)
	}
	b = b[len(sessionMagic):]
	ns, n := binary.Varint(b)
	if n <= 0 {
		return time.Time{}, nil, errSessionCodec
	}
	b = b[n:]
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return time.Time{}, nil, errSessionCodec
	}
	b = b[n:]
	str := func() (string, bool) {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return "", false
		}
		s := string(b[n : n+int(l)])
		b = b[n+int(l):]
		return s, true
	}
	values := make(map[string]any, count)
	for i := uint64(0); i < count; i++ {
		k, ok := str()
		if !ok || len(b) == 0 {
			return time.Time{}, nil, errSessionCodec
		}
		kind := b[0]
		b = b[1:]
		switch kind {
		case sessionInt:
			v, n := binary.Varint(b)
			if n <= 0 {
				return time.Time{}, nil, errSessionCodec
			}
			b = b[n:]
			values[k] = v
		case sessionString:
			v, ok := str()
			if !ok {
				return time.Time{}, nil, errSessionCodec
			}
			values[k] = v
		case sessionTrue, sessionFalse:
			values[k] = kind == sessionTrue
		default:
			return time.Time{}, nil, errSessionCodec
		}
	}
	if len(b) != 0 {
		return time.Time{}, nil, errSessionCodec
	}
	if ns == math.MinInt64 {
		return time.Time{}, values, nil
	}
	return time.Unix(0, ns).UTC(), values, nil
}
