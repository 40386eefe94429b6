/** course/course.json: the project's own loads; mistakes are one-line UserErrors naming the field. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { loadCourse, parseCourse } from "../../src/courseware/course";
import { UserError } from "../../src/errors";

const ROOT = path.resolve(__dirname, "..", "..");

describe("course.json", () => {
  it("the project's course lists the twelve chapters of COURSE.md in order, with 01b after 01", () => {
    const course = loadCourse(path.join(ROOT, "course"));
    expect(course.chapters.map((c) => c.name)).toEqual([
      "00-introduction", "01-machine", "01b-the-guest-kernel", "02-trap-and-emulate", "03-binary-translation",
      "04-memory-virtualization", "05-memory-overcommit", "06-cpu-scheduling", "07-io-virtualization",
      "08-containers", "09-language-vms", "10-emulation", "11-vm-lifecycle-and-migration",
    ]);
    expect(course.chapters[1].file).toBe(path.join(ROOT, "notebooks", "01-machine.ipynb"));
    expect(course.handoutsDir).toBe(path.join(ROOT, "handouts"));
    for (const c of course.chapters) expect(c.summary.length).toBeGreaterThan(20);
  });

  const file = "/x/course/course.json";
  const valid = { title: "T", chapters: [{ file: "a.ipynb", title: "A", summary: "s" }] };
  const mistake = (json: unknown): string => {
    try {
      parseCourse(json, file);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error("no error");
  };

  it("resolves chapter files against the notebooks folder and keeps unknown fields", () => {
    const c = parseCourse({ ...valid, notebooks: "nb", points: 3, chapters: [{ ...valid.chapters[0], duedate: "2026-12-01", points: 5 }] }, file);
    expect(c.chapters[0].file).toBe("/x/course/nb/a.ipynb");
    expect(c.chapters[0].duedate).toBe("2026-12-01");
    expect(c.chapters[0].raw.points).toBe(5);
    expect(c.raw.points).toBe(3);
  });

  it("names the field that is wrong", () => {
    expect(mistake([])).toBe(`${file}: the top level: expected a JSON object`);
    expect(mistake({ chapters: [] })).toBe(`${file}: title: expected a non-empty string`);
    expect(mistake({ title: "T" })).toBe(`${file}: chapters: expected a list of chapters`);
    expect(mistake({ title: "T", chapters: [{ file: "a.ipynb", title: "A" }] })).toBe(`${file}: chapters[0].summary: expected a non-empty string`);
    expect(mistake({ title: "T", chapters: [{ file: "a.txt", title: "A", summary: "s" }] })).toBe(`${file}: chapters[0].file: "a.txt" is not a notebook (.ipynb)`);
    expect(mistake({ ...valid, chapters: [valid.chapters[0], valid.chapters[0]] })).toBe(`${file}: chapters[1].file: "a" is listed twice`);
    expect(mistake({ ...valid, timeoutSeconds: -1 })).toBe(`${file}: timeoutSeconds: expected a positive number of seconds`);
    expect(mistake({ ...valid, students: [{ first_name: "x" }] })).toBe(`${file}: students[0].id: expected a non-empty string`);
  });

  it("an unreadable or invalid file is a UserError", () => {
    expect(() => loadCourse("/nonexistent-dir")).toThrow(UserError);
  });
});
