import assert from "node:assert/strict";
import { test } from "node:test";
import { modifyPath } from "./rewrite.ts";

test("ReplacePrefixMatch keeps the rest of the path with one slash; ReplaceFullPath replaces it", () => {
  const cases: [string, string, string, string][] = [
    ["/", "/a", "/a", "/"],
    ["/", "/a", "/a/", "/"],
    ["/", "/a", "/a/x/y", "/x/y"],
    ["/", "/", "/x", "/x"],
    ["/xyz", "/foo", "/foo", "/xyz"],
    ["/xyz", "/foo", "/foo/", "/xyz/"],
    ["/xyz", "/foo", "/foo/bar", "/xyz/bar"],
    ["/xyz/", "/foo", "/foo/bar", "/xyz/bar"],
    ["/one", "/prefix/one", "/prefix/one/two", "/one/two"],
    ["/new", "/", "/x", "/new/x"],
  ];
  for (const [value, prefix, path, want] of cases)
    assert.equal(modifyPath({ type: "ReplacePrefixMatch", value }, prefix, path), want, `${value} ${prefix} ${path}`);
  assert.equal(modifyPath({ type: "ReplaceFullPath", value: "/one" }, "/full", "/full/path"), "/one");
});
