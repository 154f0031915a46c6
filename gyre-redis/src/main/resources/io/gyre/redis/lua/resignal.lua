-- ARGV: prefix, signal keys... Restores signals a waiter may have consumed when it gave up (interrupt, close).
for i = 2, #ARGV do signal(ARGV[i]) end
return {'OK'}
