#!/usr/bin/env python3
"""Every Catch2 test name can be run by its ctest: catch_discover_tests splits a name at ';'
(a CMake list separator), and the cut ctest then filters for a name no test has and passes
while running nothing. So no TEST_CASE name may hold a ';' (nor the characters Catch reads
as a filter or an option: '[' or ']' anywhere, '*' or ',' at an end, '-' at the start).

usage: test_names_test.py SOURCE_DIR"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
name = re.compile(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"', re.S)
problems = []
for path in sorted(root.glob("tests/**/*.cc")):
    text = path.read_text(errors="replace")
    for match in name.finditer(text):
        test = match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        where = f"{path.relative_to(root)}:{line}"
        if ";" in test:
            problems.append(f"{where}: ';' in the test name {test!r}: ctest would run none of it")
        if "[" in test or "]" in test:
            problems.append(f"{where}: '[' or ']' in the test name {test!r}: Catch reads it as a tag filter")
        if test.startswith("-"):
            problems.append(f"{where}: the test name {test!r} starts with '-': Catch reads it as an option")
        if test.startswith("*") or test.endswith("*") or test.startswith(","):
            problems.append(f"{where}: the test name {test!r} starts or ends like a Catch filter")
for problem in problems:
    print("FAIL:", problem)
print(f"{len(problems)} problem(s)")
sys.exit(1 if problems else 0)
