/**
 * @module The built-in vocabulary the fake model writes with. Plain ASCII on purpose: every
 * tokenizer token of ASCII text is a complete string, so each streamed piece is printable and
 * its UTF-8 bytes are its characters.
 */

export const NOUNS = [
  'system', 'model', 'request', 'answer', 'result', 'process', 'network', 'server', 'client',
  'record', 'report', 'table', 'signal', 'method', 'pattern', 'surface', 'garden', 'river',
  'bridge', 'engine', 'library', 'window', 'market', 'project', 'budget', 'schedule', 'village',
  'harbor', 'forest', 'kitchen', 'teacher', 'student', 'painter', 'farmer', 'pilot', 'doctor',
  'museum', 'theory', 'measure', 'sample', 'channel', 'archive', 'journey', 'machine', 'question',
  'context', 'feature', 'memory', 'storage', 'policy', 'review', 'update', 'history', 'culture',
  'language', 'weather', 'mountain', 'island', 'planet', 'orbit', 'battery', 'circuit', 'sensor',
  'dataset', 'workflow', 'pipeline', 'service', 'response', 'document', 'summary', 'outline',
  'argument', 'example', 'strategy', 'decision', 'estimate', 'balance', 'resource', 'boundary',
] as const;

export const PLURALS = [
  'systems', 'models', 'requests', 'answers', 'results', 'networks', 'servers', 'records',
  'reports', 'signals', 'methods', 'patterns', 'rivers', 'bridges', 'engines', 'markets',
  'projects', 'villages', 'forests', 'teachers', 'students', 'farmers', 'pilots', 'doctors',
  'theories', 'measures', 'samples', 'channels', 'machines', 'questions', 'features', 'policies',
  'reviews', 'updates', 'languages', 'mountains', 'islands', 'planets', 'batteries', 'sensors',
  'datasets', 'workflows', 'services', 'documents', 'examples', 'decisions', 'estimates', 'tokens',
] as const;

export const ADJECTIVES = [
  'simple', 'careful', 'quiet', 'bright', 'modern', 'ancient', 'robust', 'steady', 'gentle',
  'rapid', 'narrow', 'broad', 'practical', 'useful', 'common', 'rare', 'clear', 'hidden',
  'early', 'recent', 'local', 'global', 'small', 'large', 'reliable', 'flexible', 'efficient',
  'detailed', 'typical', 'stable', 'curious', 'honest', 'golden', 'silver', 'distant', 'nearby',
  'important', 'familiar', 'complex', 'precise', 'natural', 'formal', 'open', 'shared',
] as const;

/** Third person singular verbs (agreeing with a singular subject). */
export const VERBS = [
  'improves', 'describes', 'supports', 'shapes', 'reduces', 'explains', 'measures', 'follows',
  'connects', 'changes', 'carries', 'protects', 'reveals', 'balances', 'extends', 'requires',
  'produces', 'collects', 'compares', 'includes', 'reflects', 'guides', 'handles', 'tracks',
  'builds', 'covers', 'limits', 'creates', 'returns', 'stores', 'shows', 'helps',
] as const;

/** Base form verbs (after "to", "can", plural subjects). */
export const BASE_VERBS = [
  'improve', 'describe', 'support', 'shape', 'reduce', 'explain', 'measure', 'follow', 'connect',
  'change', 'protect', 'reveal', 'balance', 'extend', 'produce', 'collect', 'compare', 'include',
  'reflect', 'guide', 'handle', 'track', 'build', 'cover', 'create', 'store', 'check', 'review',
] as const;

export const ADVERBS = [
  'quickly', 'carefully', 'often', 'usually', 'rarely', 'clearly', 'slowly', 'quietly', 'simply',
  'directly', 'gradually', 'mostly', 'naturally', 'easily', 'steadily', 'closely',
] as const;

export const PREPOSITIONS = [
  'in', 'on', 'across', 'around', 'within', 'near', 'behind', 'through', 'under', 'beyond',
  'for', 'with', 'without', 'along', 'between', 'after', 'before',
] as const;

export const CONNECTORS = [
  'However', 'In practice', 'For example', 'As a result', 'In short', 'Meanwhile', 'Overall',
  'In many cases', 'At the same time', 'On the other hand', 'Still', 'Later', 'Today',
] as const;

export const PEOPLE = [
  'Alice', 'Bruno', 'Chen', 'Dara', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemal',
  'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Viktor',
] as const;

export const SURNAMES = [
  'Adams', 'Baker', 'Costa', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen',
  'Kim', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Weber',
] as const;

export const CITIES = [
  'Paris', 'Tokyo', 'Lisbon', 'Nairobi', 'Toronto', 'Oslo', 'Lima', 'Seoul', 'Denver', 'Madrid',
  'Cairo', 'Sydney', 'Austin', 'Dublin', 'Prague', 'Mumbai', 'Boston', 'Vienna',
] as const;

/** Sentence templates for answers. Slots are filled by `templates.ts`. */
export const ANSWER_TEMPLATES = [
  'The {adj} {noun} {verb} the {noun} {prep} the {noun}.',
  '{Conn}, the {noun} {verb} {num} {plural} {prep} a {adj} {noun}.',
  'A {adj} {noun} {adv} {verb} the {adj} {plural}.',
  'In {year}, about {pct} percent of {plural} used a {adj} {noun}.',
  '{Person} said the {noun} {verb} every {noun} {prep} {city}.',
  'Most {plural} {base} the {noun} when the {noun} is {adj}.',
  'There are {num} {plural} {prep} the {noun}, and {small} of them are {adj}.',
  '{Conn}, it helps to {base} the {noun} before you {base} the {plural}.',
  'The {noun} in {city} {verb} about {num} {plural} each {unit}.',
  'You can {base} the {noun} {adv} if the {plural} are {adj}.',
  'This {noun} {verb} a {adj} {noun} and {verb} the {noun}.',
  'Each {noun} takes {small}.{digit} {unit}s on average.',
  '{Conn}, {plural} {prep} the {noun} tend to be {adj}.',
  'The answer is {num}, since {small} {plural} {base} the {noun}.',
] as const;

/** Sentences of a model "thinking out loud" before it answers. */
export const REASONING_TEMPLATES = [
  'Let me think about the {noun} first.',
  'The request is about the {adj} {noun}, so I should {base} the {plural}.',
  'First, I need to {base} the {noun} and check the {plural}.',
  'Step {small}: {base} the {noun} {prep} the {noun}.',
  'Wait, the {noun} might be {adj}; I should {base} it again.',
  'If there are {num} {plural}, then {small} of them {base} the {noun}.',
  'That means the {noun} {verb} the {noun}.',
  'I will {base} the {plural} {adv} before answering.',
  'Another option is to {base} the {adj} {noun}.',
  'So the answer should mention the {noun} and the {plural}.',
] as const;

export const UNITS = ['day', 'week', 'month', 'year', 'hour', 'minute', 'second'] as const;

/** Keys for free-form JSON objects (`json_object` responses). */
export const JSON_KEYS = [
  'summary', 'answer', 'title', 'status', 'score', 'count', 'items', 'tags', 'details', 'source',
  'confidence', 'category', 'notes', 'total', 'steps', 'valid', 'owner', 'priority',
] as const;

/** Words that never count as tool keywords in the `auto` tool-choice rule (too common). */
export const STOPWORDS = new Set([
  'about', 'above', 'after', 'again', 'against', 'also', 'among', 'another', 'because', 'been',
  'before', 'being', 'below', 'between', 'both', 'call', 'called', 'calls', 'could', 'does',
  'doing', 'during', 'each', 'every', 'from', 'function', 'further', 'given', 'have', 'having',
  'here', 'into', 'just', 'like', 'made', 'make', 'many', 'more', 'most', 'much', 'must', 'only',
  'other', 'over', 'same', 'should', 'some', 'such', 'than', 'that', 'their', 'them', 'then',
  'there', 'these', 'they', 'this', 'those', 'through', 'tool', 'under', 'until', 'used', 'uses',
  'using', 'very', 'want', 'what', 'when', 'where', 'which', 'while', 'will', 'with', 'would',
  'your', 'returns', 'return', 'value', 'values', 'specified', 'provided', 'information', 'input',
  'output', 'based', 'current', 'currently', 'optional', 'required', 'parameter', 'parameters',
]);
