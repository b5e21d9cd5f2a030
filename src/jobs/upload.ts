// Shares a file into a conversation (a channel or a DM), any file: a digest's chart, an export.
// Slack's three steps: files.getUploadURLExternal (the name and the size) → the bytes POSTed to
// the upload_url it answers → files.completeUploadExternal, which shares the file. Nothing is
// shared before the last step; after a last step Slack did not answer, the file may be shared.
import { webApi } from '@slack/bolt';
import { Refused } from '../services/deliveries.ts';
import { slackError, type Target } from '../slack/fanout.ts';

type WebClient = webApi.WebClient;

export interface Upload {
  /** A channel id, or a DM's (D…). */
  channel: string;
  filename: string;
  /** Shown above the file in Slack: plain text. */
  title: string;
  bytes: Uint8Array;
  /** For a screen reader (an image). */
  altText?: string;
  /** mrkdwn posted with the file: escape what people wrote. */
  initialComment?: string;
  threadTs?: string;
}

/**
 * Why a file was not shared. `shared: 'no'`: nothing reached the conversation (a refusal, or a
 * failure before the last step), so it may be tried again; `'unknown'`: Slack did not answer the
 * step that shares it, so it may be there, and trying again could share it twice.
 */
export class UploadFailed extends Error {
  override name = 'UploadFailed';
  constructor(
    message: string,
    readonly shared: 'no' | 'unknown',
  ) {
    super(message);
  }
}

const UPLOAD_TIMEOUT_MS = 30_000;
/** Slack's limit for one file is 1 GB; ours are far smaller, and this keeps a mistake from posting a huge one. */
const MAX_BYTES = 50 * 2 ** 20;

/** Uploads and shares `file`; answers Slack's file id. Throws an `UploadFailed` saying why, in one line, and what to do. */
export async function uploadFile(client: WebClient, file: Upload): Promise<{ fileId: string }> {
  const target: Target = { kind: file.channel.startsWith('D') ? 'person' : 'channel', id: file.channel };
  if (file.bytes.length === 0 || file.bytes.length > MAX_BYTES) throw new UploadFailed(`the file ${file.filename} is ${file.bytes.length} bytes: not uploaded`, 'no');
  let url: { upload_url: string; file_id: string };
  try {
    const answer = await call(() => client.files.getUploadURLExternal({ filename: file.filename, length: file.bytes.length, ...(file.altText ? { alt_text: file.altText.slice(0, 1000) } : {}) }));
    if (!answer.upload_url || !answer.file_id) throw new Error('Slack answered no upload_url');
    url = { upload_url: answer.upload_url, file_id: answer.file_id };
  } catch (e) {
    throw new UploadFailed(reasonOf(e, target), 'no');
  }
  try {
    const posted = await fetch(url.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Blob([new Uint8Array(file.bytes)]),
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
    await posted.arrayBuffer().catch(() => undefined);
    if (!posted.ok) throw new Error(`the upload answered HTTP ${posted.status}`);
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${UPLOAD_TIMEOUT_MS / 1000} s` : (e as Error).message;
    throw new UploadFailed(`Slack did not take the file's bytes (${why}) — run it again`, 'no');
  }
  try {
    await call(() =>
      client.files.completeUploadExternal({
        files: [{ id: url.file_id, title: file.title }],
        channel_id: file.channel,
        ...(file.initialComment ? { initial_comment: file.initialComment } : {}),
        ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
      }),
    );
  } catch (e) {
    const err = slackError(e, target, 'other');
    throw err instanceof Refused ? new UploadFailed(err.message, 'no') : new UploadFailed(`${err.message.replace(/ — run it again$/, '')}: the file may have been shared, so it is not uploaded again`, 'unknown');
  }
  return { fileId: url.file_id };
}

/** A Web API call; a 429 (Slack did nothing) is waited out and tried again. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      const limited = e as { code?: string; retryAfter?: number };
      if (limited.code !== webApi.ErrorCode.RateLimitedError) throw e;
      await new Promise((r) => setTimeout(r, (limited.retryAfter ?? 1) * 1000));
    }
  }
}

function reasonOf(e: unknown, target: Target): string {
  return (e as { code?: string }).code ? slackError(e, target, 'other').message : (e as Error).message;
}
