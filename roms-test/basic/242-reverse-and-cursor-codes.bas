10 print chr$(18);"rev";chr$(146);"ab";chr$(157);"c"
