10 print "{pound}";asc("{pound}")
