#!/bin/sh
# Regenerates the expected outputs with the reference interpreter: ./gen.sh
for f in *.lua; do lua5.4 - < "$f" > "${f%.lua}.expected" 2>&1; done
