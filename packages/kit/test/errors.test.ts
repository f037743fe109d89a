import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AppError,
  errorKinds,
  grpcStatusByKind,
  httpStatusByCode,
  httpStatusByKind,
  httpStatusOf,
  problemType,
  titleByKind,
  toProblem,
} from '../src/errors/index.ts';

const sortedKinds = [...errorKinds].sort();

test('every error kind has an HTTP status, a title and a gRPC code, and the tables list nothing else', () => {
  for (const kind of errorKinds) {
    const status = httpStatusByKind[kind];
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${kind}: HTTP ${status}`);
    assert.ok(titleByKind[kind].trim().length > 0, `${kind}: empty title`);
    const grpc = grpcStatusByKind[kind];
    // 0 is OK, so no error may map to it; 16 (UNAUTHENTICATED) is the highest gRPC code.
    assert.ok(Number.isInteger(grpc) && grpc >= 1 && grpc <= 16, `${kind}: gRPC ${grpc}`);
  }
  assert.deepEqual(Object.keys(httpStatusByKind).sort(), sortedKinds);
  assert.deepEqual(Object.keys(titleByKind).sort(), sortedKinds);
  assert.deepEqual(Object.keys(grpcStatusByKind).sort(), sortedKinds);
});

test('toProblem of an AppError maps status, code, detail and request id, without issues when there are none', () => {
  const problem = toProblem(new AppError('not_found', 'order_not_found', 'No such order: ord_123'), 'req_1');
  assert.deepEqual(problem, {
    type: problemType('order_not_found'),
    title: titleByKind.not_found,
    status: 404,
    detail: 'No such order: ord_123',
    code: 'order_not_found',
    request_id: 'req_1',
  });
  assert.equal('issues' in problem, false);

  const noIssues = toProblem(new AppError('invalid', 'invalid_request', 'Bad.', { issues: [] }), 'req_2');
  assert.equal('issues' in noIssues, false);
});

test('toProblem of an AppError with issues includes them', () => {
  const issues = [
    { path: 'items.0.quantity', message: 'Must be at least 1.' },
    { path: 'currency', message: 'Unknown currency.' },
  ];
  const problem = toProblem(new AppError('invalid', 'invalid_request', 'The request is invalid.', { issues }), 'req_1');
  assert.equal(problem.status, 400);
  assert.equal(problem.code, 'invalid_request');
  assert.deepEqual(problem.issues, issues);
});

test('toProblem of an AppError never shows its cause', () => {
  const cause = new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
  const problem = toProblem(
    new AppError('unavailable', 'database_unavailable', 'The database is unavailable.', { cause }),
    'req_1',
  );
  assert.equal(problem.status, 503);
  assert.equal(problem.detail, 'The database is unavailable.');
  const json = JSON.stringify(problem);
  assert.ok(!json.includes('hunter2') && !json.includes('ECONNREFUSED'), json);
});

test('toProblem of anything but an AppError is a generic internal_error that leaks nothing', () => {
  const secret = 'password=hunter2';
  const stack = `Error: ${secret}\n    at connect (/srv/app/db.ts:12:7)`;
  const plainError = new Error(secret);
  const thrown: readonly unknown[] = [
    plainError,
    new TypeError(secret),
    secret,
    { message: secret, stack },
    // Shaped like an AppError but not one: duck typing must not let a message through.
    { name: 'AppError', kind: 'invalid', code: 'invalid_request', message: secret, stack },
    undefined,
    null,
  ];
  for (const error of thrown) {
    const problem = toProblem(error, 'req_1');
    assert.equal(problem.status, 500);
    assert.equal(problem.code, 'internal_error');
    assert.equal(problem.type, problemType('internal_error'));
    assert.equal(problem.title, titleByKind.internal);
    assert.equal(problem.request_id, 'req_1');
    assert.equal('issues' in problem, false);
    const json = JSON.stringify(problem);
    for (const leak of [secret, 'hunter2', '/srv/app/db.ts', 'at connect', plainError.stack ?? secret]) {
      assert.ok(!json.includes(leak), `${String(error)} leaked ${leak}: ${json}`);
    }
  }
  // One generic detail for all of them: nothing about the error varies the document.
  const details = new Set(thrown.map((error) => toProblem(error, 'req_1').detail));
  assert.equal(details.size, 1);
});

test('httpStatusOf prefers the code table over the kind table', () => {
  assert.equal(httpStatusOf('invalid', 'payload_too_large'), 413);
  assert.equal(toProblem(new AppError('invalid', 'payload_too_large', 'Too large.'), 'req_1').status, 413);
  for (const [code, status] of Object.entries(httpStatusByCode)) {
    assert.equal(httpStatusOf('internal', code), status, code);
  }
  // Codes without an entry fall back to their kind.
  assert.equal(httpStatusOf('conflict', 'order_not_cancellable'), 409);
  assert.equal(httpStatusOf('deadline_exceeded', 'deadline_exceeded'), 504);
});

test('extension members join the problem document and never replace a standard member', () => {
  const error = new AppError('invalid', 'card_declined', 'Declined.', {
    extensions: { decline_code: 'insufficient_funds', payment_id: 'pay_1', status: 999, code: 'other' },
  });
  const problem = toProblem(error, 'req_1');
  assert.equal(problem.decline_code, 'insufficient_funds');
  assert.equal(problem.payment_id, 'pay_1');
  assert.equal(problem.status, 402);
  assert.equal(problem.code, 'card_declined');
});
