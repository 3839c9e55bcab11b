import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signTopRequest } from '../../src/top';

// Vectors from ../shared/docs/top-protocol.md §3.
const officialExample = {
  app_key: 'test',
  fields: 'nick',
  format: 'xml',
  method: 'taobao.user.seller.get',
  session: 'test',
  sign_method: 'md5',
  timestamp: '2013-05-06 13:52:03',
  v: '2.0',
};

describe('TOP signature', () => {
  it('md5 matches the official documentation example', () => {
    assert.equal(signTopRequest(officialExample, 'test', 'md5'), '72CB4D809B375A54502C09360D879C64');
  });

  it('md5 hashes UTF-8 (public Go client vector with a Chinese nick)', () => {
    const params = {
      app_key: '12486123',
      fields: 'user_id,nick,sex,buyer_credit,seller_credit,location,created,last_visit,alipay_account',
      format: 'json',
      method: 'taobao.users.get',
      nicks: '孙凤民',
      partner_id: 'top-apitools',
      sign_method: 'md5',
      timestamp: '2012-02-15 23:02:05',
      v: '2.0',
    };
    assert.equal(signTopRequest(params, '280a8edc3a899b8a1e4cb965732d2441', 'md5'), '8E170B6351CC5C6CF34DFFDC63569734');
  });

  it('hmac (HMAC-MD5) over the official example', () => {
    assert.equal(signTopRequest({ ...officialExample, sign_method: 'hmac' }, 'test', 'hmac'), 'FA15A9D5B42AB2D6F3397843851ED09A');
  });

  it('hmac-sha256 over the official example', () => {
    assert.equal(
      signTopRequest({ ...officialExample, sign_method: 'hmac-sha256' }, 'test', 'hmac-sha256'),
      '267B9C1C7A2FE1CE413DBB95E596616D32107AE0992BE2C22143CFCE303E8E34',
    );
  });

  it('ignores an existing sign parameter and sorts names in ASCII order', () => {
    const withSign = { ...officialExample, sign: 'WHATEVER' };
    assert.equal(signTopRequest(withSign, 'test', 'md5'), '72CB4D809B375A54502C09360D879C64');
    // `foo_bar` sorts before `foobar` in ASCII ('_' < 'b'), regardless of insertion order.
    const a = signTopRequest({ foobar: '1', foo_bar: '2', foo: '3', bar: '4' }, 's', 'md5');
    const b = signTopRequest({ bar: '4', foo: '3', foo_bar: '2', foobar: '1' }, 's', 'md5');
    assert.equal(a, b);
  });
});
