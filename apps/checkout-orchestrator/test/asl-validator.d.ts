/** asl-validator 4 ships no type declarations; this is the part the tests use. */
declare module 'asl-validator' {
  interface StateMachineError {
    'Error code': string;
    Message: string;
  }
  function validator(definition: object, options?: { checkPaths: boolean; checkArn: boolean }): { isValid: boolean; errors: StateMachineError[] };
  export = validator;
}
