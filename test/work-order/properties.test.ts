/**
 * A structural guarantee, not point fixes: whatever the client (and the workflow, by the same rules) accepts
 * becomes TOP calls that TOP's API declarations accept — lengths after composition, well-formed Unicode,
 * 64-bit ids — and every time computed from it is a date. fast-check generates the inputs, hostile ones
 * included (lone surrogates, texts at and past every bound, huge durations, ids past 2^63).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { msToNumber } from '@temporalio/common/lib/time';
import { aliMeNotifyParams, caseUpdateParams, eventEmitParams } from '../../src/activities/top-requests';
import { alimiProgressNotify, bcpushEventEmit, formatTopTime, rdcIdentificationCaseUpdate } from '../../src/top';
import { toWireParams } from '../../src/top/params';
import { DEFAULT_STATUS_CODES, WORK_ORDER_EVENT_KINDS } from '../../src/work-order/events';
import { fairnessKeyOf } from '../../src/work-order/priorities';
import { defineWorkOrderSchemas } from '../../src/work-order/schemas';
import { closingNote } from '../../src/workflows/closing-note';

const schemas = defineWorkOrderSchemas();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 400);

/** Text of every kind: ordinary, CJK, emoji (surrogate pairs), lone surrogates, quotes, blanks; and at the bounds. */
const safeChar = fc.constantFrom('a', 'Z', '0', '-', '鉴', '😀', 'é');
const char = fc.constantFrom('a', 'Z', '0', '-', '鉴', '😀', '\ud800', '\udfff', ' ', '"', '\\', '\n', 'é');
const text = fc.oneof(
  // Mostly text the rules take, so that most work orders are accepted and checked; some of every field hostile.
  { weight: 30, arbitrary: fc.string({ unit: safeChar, minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: char, maxLength: 20 }) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('a', '鉴', '😀'), fc.constantFrom(63, 64, 65, 127, 128, 129, 493, 494, 499, 500, 501, 1999, 2000, 2001)).map(([c, n]) => c.repeat(c === '😀' ? Math.ceil(n / 2) : n)) },
);
const id = fc.oneof({ weight: 20, arbitrary: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String) }, fc.bigInt({ min: 1n, max: 2n ** 64n }).map(String), fc.constantFrom('9223372036854775807', '9223372036854775808', '0', '01'));
const duration = fc.oneof(
  fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
  fc.tuple(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(365, 366, 9_999_999_999)), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', ' days', ' weeks')).map(([n, unit]) => `${n}${unit}`),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const nodeData = maybe(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 3 }));

const workOrder = fc.record(
  {
    workOrderId: fc.oneof({ weight: 20, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/) }, text),
    seller: text,
    bizOrderId: maybe(id),
    workOrderType: maybe(text),
    description: maybe(text),
    buyer: maybe(fc.record({ nick: maybe(text), id: maybe(text), openId: maybe(text) }, { requiredKeys: [] })),
    identification: maybe(fc.record({ detailOrderId: id, refundId: id, caseId: maybe(text), openTips: maybe(text) }, { requiredKeys: ['detailOrderId', 'refundId'] })),
    alime: maybe(fc.record({ asyncCode: text, firstNode: maybe(text), firstNodeData: nodeData }, { requiredKeys: ['asyncCode'] })),
    sla: maybe(fc.record({ within: duration })),
  },
  { requiredKeys: ['workOrderId', 'seller'] },
);
const ending = fc.oneof(
  fc.record({ kind: fc.constant('completed' as const), completion: fc.record({ resultMessage: text, finalNode: maybe(text), finalNodeData: nodeData }, { requiredKeys: ['resultMessage'] }) }),
  fc.record({ kind: fc.constant('cancelled' as const), reason: text }),
  fc.constant({ kind: 'timed-out' as const }),
);
const report = fc.record({ progressId: text, node: text, data: nodeData }, { requiredKeys: ['progressId', 'node'] });

/** TOP's declaration accepts the request, and it goes on the wire as it is: signed text is well-formed. */
function acceptedByTop<R>(api: { definition: { method: string; request: { safeParse(value: unknown): { success: boolean; data?: unknown; error?: unknown } }; toParams(request: never): Record<string, unknown> } }, request: R): void {
  const parsed = api.definition.request.safeParse(request);
  assert.ok(parsed.success, `${api.definition.method} refuses ${JSON.stringify(request).slice(0, 300)}: ${String(parsed.error)}`);
  const wire = toWireParams(api.definition.method, api.definition.toParams(parsed.data as never) as never);
  for (const value of Object.values(wire)) assert.ok(value.isWellFormed());
}

describe('properties: what is accepted can always be sent to TOP', () => {
  it('every accepted work order, report and ending composes into TOP calls TOP accepts, and every time it implies is a date', () => {
    let accepted = 0;
    fc.assert(
      fc.property(workOrder, fc.array(report, { maxLength: 3 }), ending, fc.integer({ min: 1_600_000_000_000, max: 4_102_444_800_000 }), (raw, rawReports, rawEnding, now) => {
        const parsed = schemas.workOrderInput.safeParse(raw);
        if (!parsed.success) return;
        const input = parsed.data;
        accepted += 1;
        assert.ok(fairnessKeyOf(input.seller).isWellFormed() && new TextEncoder().encode(fairnessKeyOf(input.seller)).length <= 64);
        if (input.sla) assert.doesNotThrow(() => new Date(now + msToNumber(input.sla!.within)).toISOString(), `SLA ${String(input.sla.within)}`);
        assert.doesNotThrow(() => formatTopTime(now));

        const endingParsed =
          rawEnding.kind === 'completed'
            ? schemas.completion.safeParse(rawEnding.completion)
            : rawEnding.kind === 'cancelled'
              ? schemas.cancellation.safeParse({ reason: rawEnding.reason })
              : { success: true as const, data: undefined };
        const reports = rawReports.map((r) => schemas.progressReport.safeParse(r)).flatMap((r) => (r.success ? [r.data] : []));
        const nodes = [input.alime?.firstNode, ...reports.map((r) => r.node)];

        for (const kind of WORK_ORDER_EVENT_KINDS) {
          const note = endingParsed.success && endingParsed.data !== undefined && kind !== 'created' ? closingNote(kind === 'completed' ? { kind, at: now, completion: endingParsed.data as never } : kind === 'cancelled' ? { kind, at: now, reason: (endingParsed.data as { reason: string }).reason } : { kind: 'timed-out', at: now }) : undefined;
          acceptedByTop(
            bcpushEventEmit,
            eventEmitParams({ workOrderId: input.workOrderId, seller: input.seller, kind, at: now, node: nodes.at(-1) ?? 'created', bizOrderId: input.bizOrderId, workOrderType: input.workOrderType, text: input.description, resultMessage: note, buyer: input.buyer, qianniu: input.qianniu }, DEFAULT_STATUS_CODES),
          );
          if (input.identification && note !== undefined) {
            const { detailOrderId, refundId, caseId, openTips } = input.identification;
            for (const [operation, tips] of [['open', openTips ?? '创建鉴定工单'], ['complete', note]] as const) {
              acceptedByTop(rdcIdentificationCaseUpdate, caseUpdateParams({ seller: input.seller, operation, caseId: caseId ?? input.workOrderId, detailOrderId, refundId, at: now, tips }));
            }
          }
        }
        if (input.alime) {
          for (const r of [{ node: input.alime.firstNode, data: input.alime.firstNodeData }, ...reports]) {
            acceptedByTop(alimiProgressNotify, aliMeNotifyParams({ workOrderId: input.workOrderId, asyncCode: input.alime.asyncCode, node: r.node, data: r.data, completed: false, at: now }));
          }
        }
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: a good share of the generated work orders were accepted and checked.
    assert.ok(accepted > RUNS / 10, `only ${accepted} of ${RUNS} work orders accepted`);
  });

  it('no JSON value makes a schema throw, under today’s rules or 1.0.0’s: every message is taken or refused', () => {
    // A throw inside the workflow's validation is no refusal: it fails the workflow task for ever.
    const rules = [schemas, defineWorkOrderSchemas({ strict: false })];
    const names = Object.keys(schemas) as (keyof typeof schemas)[];
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom(...names), (value, name) => void rules.map((r) => r[name].safeParse(value))), { numRuns: RUNS * 5 });
    const anyJson = fc.jsonValue();
    const shaped = fc.record(
      {
        workOrderId: fc.constant('WO-1'),
        seller: anyJson,
        description: anyJson,
        sla: fc.record({ within: anyJson, onBreach: anyJson }, { requiredKeys: [] }),
        alime: fc.record({ asyncCode: anyJson, firstNode: anyJson, firstNodeData: anyJson }, { requiredKeys: [] }),
        identification: fc.record({ detailOrderId: anyJson, refundId: anyJson, caseId: anyJson }, { requiredKeys: [] }),
        bizOrderId: anyJson,
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(shaped, (value) => void rules.map((r) => r.workOrderInput.safeParse(value))), { numRuns: RUNS * 5 });
  });

  it('refuses, naming the field, what holds a lone surrogate or an SLA past a year', () => {
    fc.assert(
      fc.property(fc.constantFrom('seller', 'description', 'workOrderType'), fc.constantFrom('\ud800', '\udc00x', 'x\udbff'), (field, bad) => {
        const result = schemas.workOrderInput.safeParse({ workOrderId: 'WO-1', seller: 'shop', [field]: bad });
        assert.ok(!result.success && result.error.issues.some((issue) => issue.path[0] === field && /well-formed Unicode/.test(issue.message)));
      }),
    );
    for (const within of ['366d', '53 weeks', 366 * 86_400_000, '0s', '999ms']) {
      const result = schemas.workOrderInput.safeParse({ workOrderId: 'WO-1', seller: 'shop', sla: { within } });
      assert.ok(!result.success && result.error.issues[0]!.path.join('.') === 'sla.within', String(within));
    }
  });
});
