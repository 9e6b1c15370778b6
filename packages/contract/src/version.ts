/** The version of @rmos/contract, named in every report (a test keeps it equal to package.json's). */
export const CONTRACT_VERSION = "0.1.0";
