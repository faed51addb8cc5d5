// Preloaded into Prism by scripts/contract-test (NODE_OPTIONS=--require=...): Prism's log names a
// refused exchange ("Request terminated with error: ...#VIOLATIONS") but not what was wrong; the
// details only reach the client (problem+json body, sl-violations header). This writes them to
// Prism's stdout too, one line each, for scripts/prism-violations.py:
//   [contract-detail] METHOD URL STATUS {"validation": [...]} | {"sl-violations": [...]}
'use strict';
const http = require('http');
const proto = http.ServerResponse.prototype;

function emit(res, what) {
  const req = res.req || {};
  process.stdout.write(`[contract-detail] ${req.method} ${req.url} ${res.statusCode} ${JSON.stringify(what)}\n`);
}

const setHeader = proto.setHeader;
proto.setHeader = function (name, value) {
  if (String(name).toLowerCase() === 'sl-violations') {
    let parsed = value;
    try { parsed = JSON.parse(value); } catch (_) { /* "Too many violations! ..." */ }
    this.__slViolations = parsed;
  }
  return setHeader.call(this, name, value);
};

const end = proto.end;
proto.end = function (chunk, ...rest) {
  try {
    const type = String(this.getHeader('content-type') || '');
    if (type.includes('problem+json') && chunk) {
      const body = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      emit(this, { validation: body.validation || [], detail: body.detail || body.title });
    } else if (this.__slViolations) {
      emit(this, { 'sl-violations': this.__slViolations });
    }
  } catch (_) { /* never break Prism */ }
  return end.call(this, chunk, ...rest);
};
