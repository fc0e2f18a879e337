// A request body read whole, up to a limit: a declared or actual size over it rejects with the caller's error
// and the rest of the body is drained, so the connection can still carry the answer.
import type { IncomingMessage } from 'node:http';

export function readLimitedBody(req: IncomingMessage, limit: number, tooLarge: (declared?: number) => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(tooLarge(declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
