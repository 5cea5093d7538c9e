10 stop
