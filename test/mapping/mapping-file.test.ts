import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileMappingFile, loadMappingFile, MappingFileError } from '../../shared/mapping/mapping-file';

function problemsOf(json: unknown): string[] {
  try {
    compileMappingFile(json, 'test');
  } catch (error) {
    expect(error).toBeInstanceOf(MappingFileError);
    return [...(error as MappingFileError).problems];
  }
  throw new Error('the mapping was accepted');
}

describe('the mapping file', () => {
  it('when the sample mapping is loaded, then every source it lists compiles', () => {
    const mapping = loadMappingFile(path.resolve(__dirname, '../../config/mapping.sample.json'));
    expect(Object.keys(mapping.sources).sort()).toEqual(['hr-csv', 'hr-json', 'hr-scim']);
  });

  it('when expressions are wrong, then each problem names the source, the attribute, what is wrong and the expression', () => {
    const problems = problemsOf({
      sources: {
        'hr-csv': {
          type: 'Switch([Status], , "A", "joiner")',
          attributes: { employeeId: '[Id]', givenName: 'Frobnicate([First])', jobTitle: 'Left([Title])', favouriteColour: '[Colour]' },
        },
      },
    });
    expect(problems).toEqual([
      'hr-csv givenName: unknown function Frobnicate (names are case-sensitive) in "Frobnicate([First])"',
      'hr-csv jobTitle: Left takes 2 argument(s), not 1 in "Left([Title])"',
      expect.stringMatching(/^hr-csv favouriteColour: is not an employee attribute/),
    ]);
  });

  it('when a source has no employeeId or type, then the file is refused naming them', () => {
    expect(problemsOf({ sources: { 'hr-csv': { type: '"joiner"', attributes: { givenName: '[First]' } } } })).toEqual([
      "hr-csv employeeId: is required (it matches the worker's account)",
    ]);
    expect(problemsOf({ sources: { 'hr-json': { attributes: { employeeId: '[id]' } } } })).toEqual([expect.stringContaining('hr-json type: is required')]);
  });

  it('when the file has an unknown source or key, then the schema names it', () => {
    expect(problemsOf({ sources: { 'hr-xml': {} } })[0]).toMatch(/^sources: .*"hr-xml"/);
    expect(problemsOf({ sources: { 'hr-csv': { typ: '"joiner"' } } })[0]).toMatch(/^sources\.hr-csv: .*"typ"/);
  });

  it('when a source extends the default, then only the attributes listed change and null drops one', () => {
    const mapping = compileMappingFile({ sources: { 'hr-scim': { extends: 'default', attributes: { department: '[urn:*:Department]', mobilePhone: null } } } }, 'test');
    const scim = mapping.sources['hr-scim']!;
    expect(scim.attributes.get('department')?.text).toBe('[urn:*:Department]');
    expect(scim.attributes.has('mobilePhone')).toBe(false);
    expect(scim.attributes.get('employeeId')?.text).toBe('[externalId]');
  });

  it('when canonical JSON is extended, then the file is refused: it has no default mapping', () => {
    expect(problemsOf({ sources: { 'hr-json': { extends: 'default' } } })).toEqual([expect.stringContaining('hr-json: has no default mapping')]);
  });

  it('when the file is missing or not JSON, then the error says so', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mapping-'));
    writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => loadMappingFile(path.join(dir, 'none.json'))).toThrow(/does not exist/);
    expect(() => loadMappingFile(path.join(dir, 'bad.json'))).toThrow(/cannot be read as JSON/);
  });
});
