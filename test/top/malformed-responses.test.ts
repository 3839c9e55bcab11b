import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { alimiProgressNotify, TopClient, TopError, type TopErrorClass } from '../../src/top';

/** A gateway impostor that answers every request with whatever the current test wants. */
type Answer = (res: import('node:http').ServerResponse) => void;
let answer: Answer = (res) => res.end();

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => answer(res));
});

const call = (client: TopClient) => alimiProgressNotify(client, { work_order_notify_dxm_command: { async_code: 'a', gmt_time: new Date(), completed: false, work_order_id: 'W' } });
const json = (status: number, body: string): Answer => (res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};

const shapes: [string, Answer, TopErrorClass, string][] = [
  ['an HTML page with status 200', (res) => res.end('<html><body>Service Unavailable</body></html>'), 'transient', 'protocol'],
  ['an empty 200 body', json(200, ''), 'transient', 'protocol'],
  ['truncated JSON', json(200, '{"alimi_workorder_progress_notify_response":{"result_succ'), 'transient', 'protocol'],
  ['a JSON array', json(200, '[1,2]'), 'transient', 'protocol'],
  ['an unknown wrapper', json(200, '{"some_other_api_response":{"ok":true}}'), 'configuration', 'protocol'],
  ['the right wrapper without its success flag', json(200, '{"alimi_workorder_progress_notify_response":{"data":true}}'), 'configuration', 'protocol'],
  ['an error_response with a textual code', json(200, '{"error_response":{"code":"27","msg":"Invalid session","sub_code":"invalid-sessionkey"}}'), 'authorization', 'gateway'],
  ['HTTP 503', json(503, 'busy'), 'transient', 'transport'],
  ['HTTP 404', (res) => { res.writeHead(404); res.end('<h1>Not Found</h1>'); }, 'configuration', 'transport'],
  [
    'a body cut short by a closed connection',
    (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"alimi_workorder_progress_notify_response":');
      setTimeout(() => res.destroy(), 10);
    },
    'transient',
    'transport',
  ],
];

describe('malformed gateway answers become typed errors, never a crash or a silent success', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const client = new TopClient({
    gatewayUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/router/rest`,
    appKey: '1',
    appSecret: 'secret-value',
    signMethod: 'md5',
  });
  after(() => client.close());

  for (const [name, respond, classification, source] of shapes) {
    it(name, async () => {
      answer = respond;
      await assert.rejects(call(client), (error: unknown) => {
        assert.ok(error instanceof TopError, String(error));
        assert.equal(error.classification, classification, error.message);
        assert.equal(error.source, source, error.message);
        return true;
      });
    });
  }

  it('a well-formed answer still succeeds through the same impostor', async () => {
    answer = json(200, '{"alimi_workorder_progress_notify_response":{"result_success":true,"result_code":"SUCCESS","request_id":"r"}}');
    assert.equal((await call(client)).result_success, true);
  });
});
