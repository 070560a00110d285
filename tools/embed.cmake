# embed.cmake — turn a data file into a C source holding its bytes, so tables that index and
# query must agree on (synonyms, stop words, variants) are compiled into the programs.
# Usage: cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
# Defines: const char NAME[] (NUL-terminated) and const size_t NAME_len.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}" "/* Generated from ${IN} by tools/embed.cmake; do not edit. */\n#include <stddef.h>\nconst char ${NAME}[] = {\n${bytes}0x00};\nconst size_t ${NAME}_len = ${size};\n")
