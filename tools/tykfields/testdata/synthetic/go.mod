// A synthetic module in the shapes of TykTechnologies/tyk (its apidef and user packages),
// written for the tests of tools/tykfields; none of Tyk's code. It takes Tyk's module path
// so that user/ imports apidef/ the way Tyk's packages do. The oracle (oracle/) builds it.
module github.com/TykTechnologies/tyk

go 1.22

require example.com/external v0.0.0

replace example.com/external => ./external
