10 a$="abc":b$="abd"
20 print a$<b$;a$=b$;a$>"ab";""<"a";a$+b$
