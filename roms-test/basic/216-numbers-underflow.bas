10 print 1e-38/1e10
