/// Training the reference speech network (see the issue #6 notes in README).
