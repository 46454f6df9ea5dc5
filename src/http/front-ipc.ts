/**
 * Messages between the main process and an HTTP front process (experimental, `httpFronts > 0`), both
 * directions, in one place. The channel uses Node's `advanced` serialization (bodies travel as bytes), and
 * each side batches what one turn of its event loop produced into one message.
 */

/**
 * One request as the front read it: `[request id, connection id, method, url, headers, body]`; over the
 * `json` channel (`FULCRUM_HTTP_FRONTS_IPC=json`, a measurement knob) the body is its bytes as a latin1 string.
 */
export type FrontRequest = [id: number, conn: number, method: string, url: string, headers: Record<string, string | string[] | undefined>, body: Uint8Array | string | undefined, cut?: BodyCut, streamed?: 1];

/**
 * A piece of a streamed body (a bulk load's: `streamed` set on its request, sent after it): bytes, its end,
 * or `abort` when the client went away before the end.
 */
export type StreamPiece = [id: number, piece: Uint8Array | 'end' | 'abort'];

/** Why a front stopped reading a body: the main process answers as the app does when it reads one itself. */
export type BodyCut = 'request_timeout' | 'payload_too_large';

/**
 * The main process's answer: `[request id, status, headers, body, body is latin1 bytes, open]`. A reply whose
 * body streams (a bulk job's `202`, sent before the upload is read) comes in pieces: `open` says more follows;
 * the pieces after the first carry status 0 and no headers, and the last has no `open`.
 */
export type FrontReply = [id: number, status: number, headers: Record<string, string | number | string[]>, body: string | Uint8Array | undefined, bytes?: 0 | 1, open?: 1];

export type ToFront =
  | { t: 'init'; maxBodyBytes: number; maxBatchBytes: number; bodyTimeoutMs: number }
  /** Sent together with the socket handle of an accepted connection. */
  | { t: 'conn'; id: number }
  | { t: 'replies'; replies: FrontReply[] }
  /** Bytes of streamed bodies the app has read, per request: the front forwards more while few are unread. */
  | { t: 'acks'; acks: Array<[id: number, bytes: number]> }
  /** Streamed requests the app stopped reading (a job cancelled): the front closes their connections. */
  | { t: 'drop'; ids: number[] }
  | { t: 'close' };

export type FromFront =
  | { t: 'ready' }
  | { t: 'requests'; requests: FrontRequest[] }
  /** Pieces of streamed bodies, in order, after the requests they belong to. */
  | { t: 'pieces'; pieces: StreamPiece[] }
  /** Connections that closed since the last message: their per-address and per-key counts go down. */
  | { t: 'gone'; conns: number[] }
  /** How many request bodies the front is receiving now (sent when it changed). */
  | { t: 'bodies'; receiving: number }
  /**
   * An upgrade request, sent with its socket: the main process's feed authenticates it and adopts the socket
   * (or its feed processes do), as without fronts. `head` holds the bytes the parser read past the request.
   */
  | { t: 'upgrade'; method: string; url: string; headers: Record<string, string | string[] | undefined>; head: Uint8Array };
