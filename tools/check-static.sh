#!/bin/sh
# tools/check-static.sh BINARY ARCH - fails unless BINARY is a statically linked
# ELF with no program interpreter; prints its size (make cross).
f=$1
if ! readelf -lh "$f" >/dev/null 2>&1; then
	echo "$f: not an ELF file" >&2
	exit 1
fi
if readelf -l "$f" | grep -q 'INTERP' || readelf -d "$f" 2>/dev/null | grep -q 'NEEDED'; then
	echo "$f: not static" >&2
	exit 1
fi
machine=$(readelf -h "$f" | sed -n 's/^ *Machine: *//p')
printf '%-8s %8d bytes  static  %s  %s\n' "$2" "$(stat -c %s "$f")" "$machine" "$f"
