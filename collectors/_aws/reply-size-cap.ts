// A cap on the size of every AWS reply. The SDK collects a whole body in memory before parsing it (it
// does not ask for compression, so what it reads is what it parses): an endpoint that keeps sending, or
// a reply gone wrong, would take the process's memory. Here the body stream is counted as the SDK reads
// it and cut, the connection closed, once it passes the cap of its service: memory stays within the cap.
//
// Caps (far above any real reply: a GetAccountAuthorizationDetails page of 100 principals or a credential
// report of 5,000 users is a few MB; a LookupEvents page holds at most 50 events):
//   IAM         32 MiB
//   CloudTrail  32 MiB
//   STS          1 MiB
//   Account      1 MiB
//   any other   16 MiB
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import type { ClientPlugin } from './client-plugin.js';

const MiB = 1024 * 1024;
export const AWS_REPLY_CAPS: Readonly<Record<string, number>> = {
  IAMClient: 32 * MiB,
  CloudTrailClient: 32 * MiB,
  STSClient: 1 * MiB,
  AccountClient: 1 * MiB,
};
export const DEFAULT_AWS_REPLY_CAP = 16 * MiB;

/** The read of a reply stopped at its cap: not retried (the same reply would come back), and named in the run. */
export class ReplyTooLargeError extends Error {
  override name = 'ReplyTooLargeError';
}

function isReadable(body: unknown): body is Readable {
  return typeof (body as Readable | undefined)?.pipe === 'function' && typeof (body as Readable).on === 'function';
}

/** The body as the SDK will read it: the same bytes, failing with `error` once more than `cap` have passed. */
function cappedBody(body: Readable, cap: number, error: () => ReplyTooLargeError): Readable {
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size <= cap) return done(null, chunk);
      // Past the cap: the socket's stream is closed (nothing more is received) and the read fails.
      body.unpipe(counted);
      body.destroy();
      done(error());
    },
  });
  // Wired when the SDK starts reading (its listeners are on by then), as its own read of the body would
  // be: a connection lost before or during the body reaches it as before.
  counted.once('resume', () => {
    body.on('error', (cause) => counted.destroy(cause));
    body.pipe(counted);
  });
  return counted;
}

/**
 * Two middlewares for every client of a session: inside the deserializer, the body is wrapped in the
 * counter; around it, the SDK's own decoration of a deserialization error (a hint, HTTP metadata that
 * would make it look like a service error) is dropped, so the run says just what happened.
 */
export function replySizeCapPlugin(caps: Readonly<Record<string, number>> = AWS_REPLY_CAPS, defaultCap = DEFAULT_AWS_REPLY_CAP): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.add(
        <Args, Output extends { response?: unknown }>(next: (args: Args) => Promise<Output>, context: { clientName?: string; commandName?: string }) =>
          async (args: Args) => {
            const result = await next(args);
            const response = result.response as { body?: unknown } | undefined;
            if (response && isReadable(response.body)) {
              const cap = caps[context.clientName ?? ''] ?? defaultCap;
              const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
              response.body = cappedBody(
                response.body,
                cap,
                () =>
                  new ReplyTooLargeError(
                    `the reply to ${service} ${(context.commandName ?? '').replace(/Command$/, '')} is larger than ${Math.round(cap / MiB)} MiB (the cap for ${service} replies): read stopped there`,
                  ),
              );
            }
            return result;
          },
        // The deserializer sits in this step at normal priority: low runs inside it, next to the HTTP handler.
        { name: 'evidenceAgentReplySizeCap', step: 'deserialize', priority: 'low', override: true },
      );
      stack.add(
        <Args, Output>(next: (args: Args) => Promise<Output>) =>
          async (args: Args) => {
            try {
              return await next(args);
            } catch (error) {
              if (error instanceof ReplyTooLargeError) throw new ReplyTooLargeError(error.message.split('\n')[0]!);
              throw error;
            }
          },
        { name: 'evidenceAgentReplySizeCapError', step: 'deserialize', priority: 'high', override: true },
      );
    },
  };
}
