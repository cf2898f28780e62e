import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeRuns, sortedRuns } from "../../src/delivery/sink.ts";
import { sortByBytes } from "../../src/store/followers.ts";

const bytes = (xs: string[]) => xs.map((x) => Buffer.from(x, "utf8").toString("hex"));

describe("the sink's key-order merge", () => {
  it("merges sorted runs into byte order, in chunks of the size asked, whatever the runs", async () => {
    // ids of digits, of any text, and of characters on both sides of the surrogate range (where UTF-16 and UTF-8
    // order differ)
    const id = fc.oneof(fc.stringMatching(/^\d{1,20}$/), fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom("a\uffff", "a😀", "\ue000", "😀", "z"));
    await fc.assert(fc.asyncProperty(fc.array(fc.array(id, { maxLength: 40 }), { maxLength: 12 }), fc.integer({ min: 1, max: 50 }), async (chunks, size) => {
      const runs = await sortedRuns((async function* () { for (const c of chunks) yield [...c]; })());
      const merged = [...mergeRuns(runs, size)];
      expect(merged.slice(0, -1).every((c) => c.length === size)).toBe(true);
      expect(bytes(merged.flat())).toEqual(bytes(sortByBytes(chunks.flat())));
    }), { numRuns: 300 });
  });

  it("sorts by UTF-8 bytes, not UTF-16 units", () => {
    // in UTF-16 units U+1F600 (D83D DE00) comes before U+FFFF; in UTF-8 (F0 9F 98 80 against EF BF BF) after it
    expect(sortByBytes(["😀", "\uffff"])).toEqual(["\uffff", "😀"]);
    expect([...mergeRuns([["😀"], ["\uffff"]], 10)].flat()).toEqual(["\uffff", "😀"]);
  });
});
