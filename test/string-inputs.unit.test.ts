// String inputs (shared/limits/inputs.ts): a NUL character or a string over the length limit, in
// a variable at any depth or in a literal of the document, is BAD_USER_INPUT naming where it is;
// a document's literals are judged once per document and limit, and judged the same each time.
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { checkStringInputs } from '../shared/limits/inputs';

const schema = buildSchema(`
  scalar _Any
  input ReadingInput { code: String! note: String }
  input ResultInput { readings: [ReadingInput!]! }
  input LabReportFileInput { contentBase64: String! }
  type Query { ok(input: ResultInput, any: [_Any!], file: LabReportFileInput, text: String): Boolean }
`);

function check(source: string, variables: Record<string, unknown> = {}, maxLength = 10) {
  const document = parse(source);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return { document, operation, error: checkStringInputs(schema, document, operation, variables, maxLength) };
}
const argumentOf = (error: ReturnType<typeof check>['error']) => error && { code: error.extensions.code, argument: error.extensions.argument, message: error.message };

describe('string inputs', () => {
  const query = 'query($input: ResultInput, $any: [_Any!]) { ok(input: $input, any: $any) }';

  it('pass when every string is short and clean', () => {
    expect(check(query, { input: { readings: [{ code: 'LDL' }, { code: 'HDL', note: 'fasting' }] }, any: [{ id: 'p1' }] }).error).toBeNull();
  });

  it('name the variable path of a NUL or an over-long string, at any depth, custom scalars included', () => {
    const nul = check(query, { input: { readings: [{ code: 'LDL' }, { code: 'HDL', note: 'a\u0000b' }] } }).error;
    expect(argumentOf(nul)).toEqual({ code: 'BAD_USER_INPUT', argument: '$input.readings[1].note', message: expect.stringContaining('NUL') });
    const long = check(query, { any: [{ id: 'p1' }, { id: 'x'.repeat(11) }] }).error;
    expect(argumentOf(long)).toEqual({ code: 'BAD_USER_INPUT', argument: '$any[1].id', message: expect.stringContaining('11 characters long') });
  });

  it('leave a lab report\'s base64 to its own limit', () => {
    expect(check('query($file: LabReportFileInput) { ok(file: $file) }', { file: { contentBase64: 'A'.repeat(100) } }).error).toBeNull();
  });

  it('judge a document\'s literals the same every time, per limit', () => {
    const { document, operation } = check('{ ok(text: "twelve chars") }', {}, 100);
    const judge = (maxLength: number) => argumentOf(checkStringInputs(schema, document, operation, {}, maxLength));
    expect(judge(100)).toBeNull();
    expect(judge(10)).toEqual({ code: 'BAD_USER_INPUT', argument: 'text', message: expect.stringContaining('12 characters long') });
    expect(judge(10)).toEqual(judge(10));
    expect(judge(100)).toBeNull();
    expect(argumentOf(check('{ ok(input: { readings: [{ code: "a\\u0000" }] }) }').error)).toEqual({ code: 'BAD_USER_INPUT', argument: 'code', message: expect.stringContaining('NUL') });
  });
});
