10 print abs(-2*3);sgn(-0.001);sgn(1e-30)
