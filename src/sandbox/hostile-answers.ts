import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { responseRootName } from '../top';
import type { sandboxApis } from './apis';
import type { Faults } from './faults';
import { gatewayErrors } from './gateway-errors';
import { sendJson, sendText } from './http';

/** What a broken or hostile gateway might answer (Faults.hostileAnswers). */
export async function answerHostile(res: ServerResponse, api: (typeof sandboxApis)[string], answer: Faults['hostileAnswers'][string], { secret, session }: { secret: string; session: string }): Promise<void> {
  const echo = `${secret}|${session}`;
  const root = responseRootName(api.method);
  switch (answer) {
    case 'echo-secrets':
      return sendJson(res, 200, { error_response: { code: `15${echo}`, msg: `Remote service error ${echo}`, sub_code: `isv.${echo}`, sub_msg: `echo ${echo}`, request_id: echo } });
    case 'echo-secrets-in-result':
      return sendJson(res, 200, { [root]: { ...api.businessFailure(`echo ${echo}`), result_code: echo, request_id: echo, result: { success: false, error_code: echo, error_info: echo, error_message: echo } } });
    case 'huge-message':
      return sendText(res, 200, 'application/json;charset=UTF-8', `{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isv.huge-message","sub_msg":"${'\\ud800 lone surrogate, '.repeat(36_000)}"}}`);
    case 'oversize-body':
      return sendJson(res, 200, { [root]: { ...api.success(), padding: 'x'.repeat(3 * 1024 * 1024) } });
    case 'drip-body': {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      const body = JSON.stringify({ [root]: api.success() }).padEnd(300, ' ');
      for (const char of body) {
        if (res.destroyed) return;
        res.write(char);
        await delay(200);
      }
      return void res.end();
    }
    case 'endless-ban':
      return sendJson(res, 200, { error_response: { ...gatewayErrors.appCallLimited(99_999_999) } });
  }
}
