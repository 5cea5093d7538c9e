10 ?"short"
