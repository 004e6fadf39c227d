-- Ends with os.exit(3): status 3, nothing on stderr; pending output is flushed.
io.write("no newline at the end")
os.exit(3)
