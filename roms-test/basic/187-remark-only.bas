10 rem nothing
