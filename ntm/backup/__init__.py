"""`ntm backup` and `ntm restore`: the database and the uploaded files in one archive.

A plain package (no models). ``tables`` lists the tables and turns rows into JSON and back,
``dump`` writes an archive, ``load`` restores one into an empty database.
"""
