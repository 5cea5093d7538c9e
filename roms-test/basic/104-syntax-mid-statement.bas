10 a$="abc":mid$(a$,1,1)="x"
