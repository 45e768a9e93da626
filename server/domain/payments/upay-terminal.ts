import { createHash } from 'node:crypto';

/**
 * 收钱吧's terminal API (`/terminal/activate`, `/terminal/checkin`): how a shop's server becomes
 * a 收钱吧 terminal and keeps its key fresh. The same envelope and MD5 signature as the payment
 * calls (`Authorization: <sn> MD5(body + key)`), the vendor's number and key for activation.
 */

/** A terminal's number and key, as activation and check-in answer them. */
export interface UpayTerminal {
  terminalSn: string;
  terminalKey: string;
}

/**
 * `ok` with the terminal; `refused` when 收钱吧 said no (`ILLEGAL_SIGN`: the vendor key or the
 * terminal key; else the 激活码 or a field), `no_answer` when nothing came back.
 */
export type TerminalAnswer =
  | { state: 'ok'; terminal: UpayTerminal }
  | { state: 'refused'; code: string; message: string }
  | { state: 'no_answer'; why: string };

async function send(baseURL: string, path: string, signer: string, key: string, fields: object) {
  const body = JSON.stringify(fields);
  const sign = createHash('md5')
    .update(body + key, 'utf8')
    .digest('hex');
  try {
    const reply = await fetch(new URL(path, baseURL), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `${signer} ${sign}` },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await reply.json()) as {
      result_code?: string;
      error_code?: string;
      error_message?: string;
      biz_response?: { terminal_sn?: unknown; terminal_key?: unknown };
    };
    const biz = answer.biz_response;
    if (
      answer.result_code === '200' &&
      typeof biz?.terminal_sn === 'string' &&
      typeof biz.terminal_key === 'string'
    ) {
      return {
        state: 'ok',
        terminal: { terminalSn: biz.terminal_sn, terminalKey: biz.terminal_key },
      } as const;
    }
    if (answer.result_code === '400') {
      return {
        state: 'refused',
        code: String(answer.error_code ?? '400'),
        message: String(answer.error_message ?? ''),
      } as const;
    }
    return {
      state: 'no_answer',
      why: String(answer.error_code ?? `result_code ${answer.result_code}`),
    } as const;
  } catch (error) {
    return { state: 'no_answer', why: (error as Error).message } as const;
  }
}

/** What activation takes: the vendor (服务商) and its app, and the owner's one-time 激活码. */
export interface Activation {
  vendorSn: string;
  vendorKey: string;
  appId: string;
  code: string;
  /** This server, as 收钱吧 knows the device (kept for check-in). */
  deviceId: string;
  baseURL: string;
}

/** `POST /terminal/activate`, signed with the vendor's key: a new terminal, once per code. */
export function activateTerminal(activation: Activation): Promise<TerminalAnswer> {
  return send(activation.baseURL, 'terminal/activate', activation.vendorSn, activation.vendorKey, {
    app_id: activation.appId,
    code: activation.code,
    device_id: activation.deviceId,
    name: 'Hanger',
  });
}

/**
 * `POST /terminal/checkin`, signed with the terminal's current key: its next key. 收钱吧 keeps
 * the current and the last key valid, so the old one still works until the new one is stored.
 */
export function checkInTerminal(
  terminal: UpayTerminal,
  deviceId: string,
  baseURL: string,
): Promise<TerminalAnswer> {
  return send(baseURL, 'terminal/checkin', terminal.terminalSn, terminal.terminalKey, {
    terminal_sn: terminal.terminalSn,
    device_id: deviceId,
  });
}
