/**
 * The multimodal (LLaVA) form of Generic v1 predict: one `{prompt, image_content}` instance whose
 * base64 must decode to a real PNG, JPEG, GIF or WebP, read from its header; anything else is a
 * 4xx naming the field and saying what was found.
 */
import { describe, expect, it } from 'vitest';
import { call, nativeServer, typed } from './helpers.js';
import { base64, fixture, images } from './media.js';

const predict = '/api/predict/generic/proj-1/llava-1';
const prompt = 'A chat between a curious human and an artificial intelligence assistant. USER: What is shown in the image? ASSISTANT:';
const params = { max_tokens_to_generate: typed.int(12), do_sample: typed.bool('False') };
const imagePath = '/body/instances/0/image_content';

function multimodal(imageContent: string, extra: object = {}) {
  return { instances: [{ prompt, image_content: imageContent }], params, ...extra };
}

describe('Generic v1 multimodal predict', () => {
  const server = nativeServer();

  it.each(Object.entries(images))('a real %s image is answered with status and one prediction', async (_name, image) => {
    const body = await call(server(), predict, multimodal(base64(fixture(image.file))));
    expect(body.status.complete).toBe(true);
    expect(body.predictions).toHaveLength(1);
    expect(body.predictions[0]).toMatchObject({ prompt, stop_reason: 'max_len_reached' });
    expect(body.predictions[0].tokens).toHaveLength(12);
  });

  it('the image feeds the answer: another picture, another description; the same one, the same', async () => {
    const answer = async (file: string) => (await call(server(), predict, multimodal(base64(fixture(file))))).predictions[0].completion as string;
    const png = await answer(images.png.file);
    expect(await answer(images.png.file)).toBe(png);
    expect(await answer(images.jpeg.file)).not.toBe(png);
  });

  it('base64 with line breaks (MIME style) is accepted, and so is the URL-safe alphabet without padding', async () => {
    const wrapped = base64(fixture(images.jpeg.file)).replace(/.{60}/g, '$&\n');
    await call(server(), predict, multimodal(wrapped));
    await call(server(), predict, multimodal(Buffer.from(fixture(images.jpeg.file)).toString('base64url')));
  });

  const rejects = async (imageContent: string, received: RegExp, rule: string) => {
    const body = await call(server(), predict, multimodal(imageContent), {}, 422);
    expect(body.error.message.startsWith(`${imagePath}: `)).toBe(true);
    expect(body.error.details).toBe('field instances.0.image_content');
    expect(body.error.violations).toEqual([{ path: imagePath, rule, expected: expect.stringMatching(/PNG, JPEG, GIF or WebP/), received: expect.stringMatching(received), message: expect.stringMatching(new RegExp(`^${imagePath}: expected .*\\(${rule}\\)$`)) }]);
    return body;
  };

  it('text that is not base64 is refused, saying where it breaks', async () => {
    await rejects('this is not base64!', /^not base64 \("!" at position 18\)$/, 'contentEncoding');
    await rejects('QUJDRA=x', /^not base64 \(its length or padding is wrong\)$/, 'contentEncoding');
    await rejects('QUJDR', /^not base64 \(its length or padding is wrong\)$/, 'contentEncoding');
    await rejects('QUJD===', /^not base64 \(its length or padding is wrong\)$/, 'contentEncoding');
    await rejects('QU+D\nRA_-', /^not base64 \(it mixes the standard and URL-safe alphabets\)$/, 'contentEncoding');
    await rejects(' \n\t', /^an empty string$/, 'minLength');
    // A character outside the BMP is named whole; a megabyte-long field still gets the exact position.
    await rejects('QUJD\u{1F600}RA', /^not base64 \("\u{1F600}" at position 4\)$/u, 'contentEncoding');
    await rejects(`${'QUJD'.repeat(1 << 18)}\n!`, /^not base64 \("!" at position 1048577\)$/, 'contentEncoding');
    await rejects('', /^an empty string$/, 'minLength');
  });

  it('the position of the break counts characters as sent: an emoji is one, whitespace counts', async () => {
    await rejects('QUJD\n🎉🎉', /^not base64 \("🎉" at position 5\)$/, 'contentEncoding');
    await rejects('QU JD\uD800', /^not base64 \("\\ud800" at position 5\)$/, 'contentEncoding');
  });

  it('a multi-megabyte text with its break at the end is refused at the right position', async () => {
    await rejects(`${'QUJD'.repeat(750_000)}\t😀!`, /^not base64 \("😀" at position 3000001\)$/, 'contentEncoding');
  });

  it('PDF bytes are refused with their first bytes', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n');
    await rejects(base64(pdf), /^bytes that are not a PNG, JPEG, GIF or WebP image \(starts with 25 50 44 46\)$/, 'contentMediaType');
  });

  it('a PNG cut inside its header is refused as truncated', async () => {
    const cut = fixture(images.png.file).subarray(0, 18);
    await rejects(base64(cut), /^a PNG file whose header is truncated or damaged \(.*18 bytes\)$/, 'contentMediaType');
  });

  it('an image in another format (BMP) is refused by name', async () => {
    const bmp = new Uint8Array(58);
    const view = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    view.setUint32(2, 58, true);
    view.setUint32(10, 54, true);
    view.setUint32(14, 40, true);
    view.setInt32(18, 1, true);
    view.setInt32(22, 1, true);
    view.setUint16(26, 1, true);
    view.setUint16(28, 24, true);
    await rejects(base64(bmp), /^a BMP image, not a PNG, JPEG, GIF or WebP image$/, 'contentMediaType');
  });

  it('a data: URL is refused by the spec (base64 without the prefix)', async () => {
    const body = await call(server(), predict, multimodal(`data:image/png;base64,${base64(fixture(images.png.file))}`), {}, 422);
    expect(body.error.violations).toContainEqual(expect.objectContaining({ path: imagePath, rule: 'pattern' }));
  });

  it('two instances are refused: one image per request', async () => {
    const one = { prompt, image_content: base64(fixture(images.png.file)) };
    const body = await call(server(), predict, { instances: [one, one], params }, {}, 422);
    expect(body.error.violations).toContainEqual({ path: '/body/instances', rule: 'maxItems', expected: 'at most 1 item(s)', received: '2 item(s)', message: '/body/instances: expected at most 1 item(s), received "2 item(s)" (maxItems)' });
  });

  it('the detail-error variant carries the same message', async () => {
    const body = await call(server(), predict, multimodal('###'), { 'x-sambakit-variant': 'detail-error' }, 422);
    expect(body.detail).toMatch(/^\/body\/instances\/0\/image_content: not base64/);
  });
});
